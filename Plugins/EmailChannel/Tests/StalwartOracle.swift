import Foundation
import ChannelSupport
import GatewayCore
@testable import EmailChannel

/// Compares this parser's reading of a message with stalwart mail-parser's
/// JSON dump of it: subject, From, Date, the first text body part and the
/// attachment names. Returns what differs (empty when all agree).
enum StalwartOracle {
    static func compare(raw: [UInt8], expected: [String: Any]) -> [String] {
        guard let parts = expected["parts"] as? [[String: Any]], let top = parts.first else { return ["no parts in the dump"] }
        guard let message = try? MIMEDecoder().decode(raw) else { return ["not parsed"] }
        var failures: [String] = []
        var warnings: [String] = []
        let mapper = MailComplaintMapper(fallbackCharset: Charset(label: "iso-8859-1")!,
                                         headerCharset: MailComplaintMapper.declaredCharset(message))
        let headers = top["headers"] as? [[String: Any]] ?? []
        func header(_ name: String) -> Any? { headers.first { ($0["name"] as? String) == name }?["value"] }

        if let value = header("subject") as? [String: Any], let want = value["Text"] as? String {
            let got = message.headers.text("Subject", fallback: mapper.headerCharset, warnings: &warnings)
            if !same(got ?? "", want) { failures.append("subject \(got.debugDescription) ≠ \(want.debugDescription)") }
        }
        if let value = header("from") as? [String: Any], let list = (value["Address"] as? [String: Any])?["List"] as? [[String: Any]],
           let first = list.first, let want = first["address"] as? String {
            let text = message.headers["From"].map { MIMEPart.headerText($0.value, fallback: mapper.headerCharset, warnings: &warnings) } ?? ""
            let got = MailAddress.list(text, fallback: mapper.headerCharset).first?.address
            if got?.lowercased() != want.lowercased() { failures.append("from \(got.debugDescription) ≠ \(want)") }
        }
        if let value = header("date") as? [String: Any], let dt = value["DateTime"] as? [String: Any],
           let year = dt["year"] as? Int, year > 0 {
            var c = DateComponents()
            c.year = year; c.month = dt["month"] as? Int; c.day = dt["day"] as? Int
            c.hour = dt["hour"] as? Int; c.minute = dt["minute"] as? Int; c.second = dt["second"] as? Int
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone(secondsFromGMT: 0)!
            let offset = ((dt["tz_hour"] as? Int ?? 0) * 60 + (dt["tz_minute"] as? Int ?? 0)) * ((dt["tz_before_gmt"] as? Bool ?? false) ? -1 : 1)
            if let local = cal.date(from: c) {
                let want = local.addingTimeInterval(-Double(offset * 60))
                let got = message.headers.ascii("Date").flatMap(InternetDate.parse)?.date
                if got != want { failures.append("date \(got.map { "\($0)" } ?? "nil") ≠ \(want)") }
            }
        }
        if let indexes = expected["text_body"] as? [Int], let first = indexes.first, first < parts.count,
           let body = parts[first]["body"] as? [String: Any], let want = body["Text"] as? String {
            let mine = MailComplaintMapper.bodyParts(message).first { $0.part.contentType != "text/html" }
            let got = mine.map { LabelledTextDecoder.decode($0.part.decodedBody(), label: $0.part.charsetLabel,
                                                        fallback: mapper.fallbackCharset, what: "body", warnings: &warnings) }
            if !same(got ?? "", want) {
                failures.append("text body \(String((got ?? "nil").prefix(60)).debugDescription) ≠ \(String(want.prefix(60)).debugDescription)")
            }
        }
        if let indexes = expected["attachments"] as? [Int] {
            let want = Set(indexes.compactMap { $0 < parts.count ? attachmentName(parts[$0]) : nil })
            var got = Set<String>()
            message.walk { part in
                if part.kind != .multipart, let name = part.filename(fallback: mapper.headerCharset) { got.insert(name) }
            }
            if !want.allSatisfy({ w in got.contains { same($0, w) } }) { failures.append("attachments \(got.sorted()) lack \(want.subtracting(got).sorted())") }
        }
        return failures
    }

    static func attachmentName(_ part: [String: Any]) -> String? {
        let headers = part["headers"] as? [[String: Any]] ?? []
        for key in ["content_disposition", "content_type"] {
            guard let value = headers.first(where: { ($0["name"] as? String) == key })?["value"] as? [String: Any],
                  let ct = value["ContentType"] as? [String: Any], let attributes = ct["attributes"] as? [[String: Any]] else { continue }
            let wanted = key == "content_disposition" ? "filename" : "name"
            if let name = attributes.first(where: { ($0["name"] as? String) == wanted })?["value"] as? String { return name }
        }
        return nil
    }

    /// Equal, where the oracle's U+FFFD (bytes it could not decode) matches any one character.
    static func same(_ got: String, _ want: String) -> Bool {
        let a = Array(normalize(got)), b = Array(normalize(want))
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { $0 == $1 || $1 == "\u{FFFD}" }
    }

    static func normalize(_ s: String) -> String {
        s.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
