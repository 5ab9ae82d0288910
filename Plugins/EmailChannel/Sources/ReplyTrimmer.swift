import Foundation

/// Separates what a customer wrote from the earlier messages their mailer
/// quoted below it and from their signature, in English and Chinese mail.
///
/// Cuts at the first reply header (`On … wrote:`, `-----Original Message-----`,
/// `-----原始邮件-----`, Outlook/Foxmail `From:`/`发件人：` blocks, `在 … 写道：`),
/// at a trailing run of `>` lines, and at the `-- ` signature line. When
/// cutting would leave nothing, the text is kept whole: a mail that is only a
/// quote is still what the customer sent.
public enum ReplyTrimmer {
    public struct Result: Sendable, Equatable {
        public var body: String
        /// The quoted earlier messages, when some were cut.
        public var quoted: String?
        public var signature: String?
    }

    public static func trim(_ text: String) -> Result {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var end = lines.count
        var quoted: String? = nil
        if let header = firstReplyHeader(lines) {
            quoted = lines[header...].joined(separator: "\n")
            end = header
        }
        // A trailing block of "> " lines (and blank lines between them).
        var k = end
        while k > 0, isBlank(lines[k - 1]) || lines[k - 1].hasPrefix(">") { k -= 1 }
        if k < end, lines[k..<end].contains(where: { $0.hasPrefix(">") }) {
            quoted = lines[k..<lines.count].joined(separator: "\n")
            end = k
        }
        var signature: String? = nil
        if let sig = lines[..<end].lastIndex(where: { $0 == "-- " || $0 == "--" || $0 == "-- \r" }), sig > 0 {
            signature = lines[(sig + 1)..<end].joined(separator: "\n").asciiTrimmed
            end = sig
        }
        let body = lines[..<end].joined(separator: "\n").asciiTrimmed
        guard !body.isEmpty else { return Result(body: text, quoted: nil, signature: nil) }
        return Result(body: body, quoted: quoted, signature: signature?.isEmpty == true ? nil : signature)
    }

    private static let separators = ["-----original message-----", "原始邮件", "原始郵件", "-----邮件原件-----",
                                     "________________________________", "forwarded message"].map { Array($0.utf8) }
    private static let forwarded = Array("forwarded".utf8)

    /// Characters a reply header can start with; other lines (nearly all) are
    /// passed over without the costlier checks.
    private static let headerStarts: Set<Unicode.Scalar> = ["-", "_", "o", "O", "在", "于", "f", "F", "*", "发", "寄"]
    private static let wrote = Array("写道".utf8)

    /// Whether `needle`'s bytes occur in `text` (the standard library's
    /// `firstRange(of:)` is generic and showed as a fifth of mail parsing).
    static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = needle.first, bytes.count >= needle.count else { return false }
            var i = 0
            while i + needle.count <= bytes.count {
                if bytes[i] == first, needle.indices.allSatisfy({ bytes[i + $0] == needle[$0] }) { return true }
                i += 1
            }
            return false
        }
    }

    static func isBlank(_ line: String) -> Bool {
        line.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    static func firstReplyHeader(_ lines: [String]) -> Int? {
        for (i, raw) in lines.enumerated() {
            // Over scalars and bytes: this runs on every line of every message.
            guard let first = raw.unicodeScalars.first(where: { $0 != " " && $0 != "\t" }) else { continue }
            guard headerStarts.contains(first) || contains(raw, wrote) else { continue }
            let line = raw.asciiTrimmed
            let lower = line.lowercased()
            // "-----Original Message-----", "------------------ 原始邮件 ------------------"
            if lower.hasPrefix("--") || lower.hasPrefix("__"), separators.contains(where: { contains(lower, $0) }), i > 0 {
                if contains(lower, forwarded) { continue }
                return i
            }
            // "On Mon, 4 Mar 2024 at 10:00, Alice <a@b> wrote:" (may wrap onto the next line).
            if lower.hasPrefix("on ") {
                let joined = i + 1 < lines.count ? lower + " " + lines[i + 1].lowercased() : lower
                if i > 0, lower.hasSuffix("wrote:") || joined.hasSuffix("wrote:") { return i }
            }
            // "在 2024年3月4日 10:00，张三 <a@b> 写道：" / "于 … 写道:"
            if (line.hasPrefix("在") || line.hasPrefix("于") || contains(line, wrote)) && (line.hasSuffix("写道：") || line.hasSuffix("写道:")), i > 0 {
                return i
            }
            // Outlook / Foxmail / QQ header blocks: "From:"/"发件人：" then "Sent:"/"发送时间：" or "Date:"/"日期："
            // and "Subject:"/"主题：" within the next lines.
            if i > 0, isField(line, ["from", "发件人", "寄件者"]) {
                let window = lines[(i + 1)..<min(lines.count, i + 6)].map(\.asciiTrimmed)
                let hasDate = window.contains { isField($0, ["sent", "date", "发送时间", "日期", "時間", "寄件日期"]) }
                let hasSubject = window.contains { isField($0, ["subject", "主题", "主題"]) }
                if hasDate && hasSubject { return i }
            }
        }
        return nil
    }

    private static func isField(_ line: String, _ names: [String]) -> Bool {
        let trimmed = line.drop { $0 == "*" || $0 == " " }
        for name in names {
            guard trimmed.lowercased().hasPrefix(name) else { continue }
            let rest = trimmed.dropFirst(name.count).drop { $0 == " " || $0 == "*" }
            if rest.first == ":" || rest.first == "：" { return true }
        }
        return false
    }
}
