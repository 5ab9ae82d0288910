import Foundation
import GatewayCore

extension XMLFeedReader {
    /// A document ready for libxml2, or where it stops being readable.
    enum Prepared {
        /// Valid UTF-8.
        case ready(Data)
        /// Not valid UTF-8 from this byte on, and no declared encoding reads it.
        case invalidUTF8(at: Int)
    }

    /// Makes every document UTF-8 before libxml2 reads it. A document in
    /// another encoding is converted here, through the gateway's own charset
    /// table (GB2312 read as GB18030, Big5 as Big5-HKSCS: libxml2's own GB2312
    /// decoder stops at the first GBK-only character), and its declaration
    /// rewritten to say UTF-8. Where the bytes stop being UTF-8 and nothing
    /// declared reads them, the caller keeps what comes before.
    static func asUTF8(_ data: Data) -> Prepared {
        let head = Array(data.prefix(4))
        // UTF-16 (with its mark, or given away by NULs) is converted here too, so
        // that the entity rewriting (byte-level) applies to it.
        let utf16: String? =
            head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) ? "utf-16"
            : head.count >= 2 && head[0] == 0 && head[1] != 0 ? "utf-16be"
            : head.count >= 2 && head[0] != 0 && head[1] == 0 ? "utf-16le" : nil
        if let utf16, let charset = Charset(label: utf16), let decoded = try? IconvConverter.decode(data, charset: charset) {
            var text = decoded.text
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            if let encoding = declaredEncoding(of: Data(text.utf8)), let range = text.range(of: encoding) {
                text.replaceSubrange(range, with: "UTF-8")
            }
            return .ready(Data(text.utf8))
        }
        guard let bad = firstInvalidUTF8(data) else { return .ready(data) }
        guard let encoding = declaredEncoding(of: data), let charset = Charset(label: encoding),
              !charset.isUTF8, charset.isASCIICompatible,
              let decoded = try? IconvConverter.decode(data, charset: charset) else {
            return .invalidUTF8(at: bad)
        }
        var text = decoded.text
        if let range = text.range(of: encoding) { text.replaceSubrange(range, with: "UTF-8") }
        return .ready(Data(text.utf8))
    }

    /// The encoding an XML declaration names, when the document starts with a
    /// well-formed one (`<?xml version="1.0" encoding="gb2312"?>`).
    static func declaredEncoding(of data: Data) -> String? {
        let head = data.prefix(256)
        guard head.starts(with: Array("<?xml".utf8)), let end = head.firstRange(of: Array("?>".utf8)) else { return nil }
        let text = String(decoding: head[head.startIndex..<end.lowerBound], as: UTF8.self)
        let parts = text.dropFirst(5).split(whereSeparator: \.isWhitespace)
        guard parts.first?.hasPrefix("version=") == true,
              let encoding = parts.first(where: { $0.hasPrefix("encoding=") })?.dropFirst("encoding=".count),
              let quote = encoding.first, quote == "\"" || quote == "'", encoding.last == quote, encoding.count > 2 else { return nil }
        let label = String(encoding.dropFirst().dropLast())
        guard label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) else { return nil }
        return label
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        // The standard library's validation is vectorized; the walk below only
        // runs to find where an invalid document goes wrong.
        if data.withUnsafeBytes({ String(validating: $0, as: UTF8.self) }) != nil { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
