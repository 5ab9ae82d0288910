import Foundation
import GatewayCore

extension XMLFeedReader {
    /// A document ready for FoundationXML, or where it stops being readable.
    enum Prepared {
        /// Valid UTF-8 (or UTF-16/32 with its byte-order mark, which libxml2
        /// converts itself).
        case ready(Data)
        /// Not valid UTF-8 from this byte on, and no declared encoding reads it.
        case invalidUTF8(at: Int)
    }

    /// Makes sure every byte FoundationXML sees is valid UTF-8 after libxml2's
    /// decoding: FoundationXML traps (the whole process dies) on an element or
    /// attribute name that is not. A document in another encoding is converted
    /// here, through the gateway's own charset table (GB2312 read as GB18030,
    /// Big5 as Big5-HKSCS), and its declaration rewritten to say UTF-8.
    static func asUTF8(_ data: Data) -> Prepared {
        let head = Array(data.prefix(4))
        if head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) || (head.count >= 2 && (head[0] == 0 || head[1] == 0)) {
            return .ready(data)
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
