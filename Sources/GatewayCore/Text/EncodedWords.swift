import Foundation

/// Decodes MIME header text (RFC 2047): `=?charset?B|Q?...?=` encoded words
/// and raw 8-bit bytes, as real mail has them.
///
/// What real mail needs beyond the RFC's letter: adjacent encoded words in one
/// charset are joined byte-wise before decoding (mailers split a multi-byte
/// character across two words), whitespace between encoded words vanishes,
/// labels are resolved through `Charset` (GB2312 read as GB18030), an unknown
/// or lying charset falls back (UTF-8 when valid, else the caller's default)
/// with a warning, and malformed words stay as written instead of failing.
public enum EncodedWords {
    /// The decoded text and what had to be guessed.
    public struct Decoded: Sendable, Equatable {
        public var text: String
        public var warnings: [String]
    }

    public static func decode(_ header: String, fallback: Charset = .utf8) -> Decoded {
        decode(Array(header.utf8), fallback: fallback)
    }

    /// - Parameter bytes: the header value as received (unfolded).
    /// - Parameter fallback: for raw 8-bit bytes that are not UTF-8, and for
    ///   encoded words in a charset this system cannot decode.
    public static func decode(_ bytes: [UInt8], fallback: Charset = .utf8) -> Decoded {
        var text = ""
        var warnings: [String] = []
        // Bytes of consecutive encoded words in one charset, not yet decoded.
        var pending: (charset: String, bytes: [UInt8])? = nil
        var plainStart = 0
        var lastWasWord = false
        var i = 0

        func flushPending() {
            guard let p = pending else { return }
            pending = nil
            text += decodeBytes(p.bytes, label: p.charset, fallback: fallback, warnings: &warnings)
        }
        func appendPlain(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            let slice = Array(bytes[range])
            // Whitespace between two encoded words is not part of the text.
            if lastWasWord, slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return }
            flushPending()
            text += decodeRaw(slice, fallback: fallback, warnings: &warnings)
            lastWasWord = false
        }

        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "="), bytes[i + 1] == UInt8(ascii: "?"), let word = parseWord(bytes, at: i) {
                let gap = plainStart..<i
                let gapIsSpace = bytes[gap].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
                if !(lastWasWord && gapIsSpace) {
                    appendPlain(gap)
                }
                let label = word.charset.lowercased()
                if let p = pending, p.charset == label {
                    pending!.bytes += word.bytes
                } else {
                    flushPending()
                    pending = (label, word.bytes)
                }
                lastWasWord = true
                i = word.end
                plainStart = i
            } else {
                i += 1
            }
        }
        if plainStart < bytes.count { appendPlain(plainStart..<bytes.count) }
        flushPending()
        return Decoded(text: text, warnings: warnings)
    }

    /// `=?charset?enc?payload?=` at `start`: the decoded payload bytes and the index after it.
    static func parseWord(_ b: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        var i = start + 2
        let charsetStart = i
        while i < b.count, b[i] != UInt8(ascii: "?") {
            if b[i] <= 0x20 || b[i] >= 0x7F { return nil }
            i += 1
        }
        guard i + 2 < b.count, i > charsetStart, b[i + 2] == UInt8(ascii: "?") else { return nil }
        var charset = String(decoding: b[charsetStart..<i], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        let encoding = b[i + 1] | 0x20
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        i += 3
        let payloadStart = i
        while i + 1 < b.count, !(b[i] == UInt8(ascii: "?") && b[i + 1] == UInt8(ascii: "=")) {
            if b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { return nil }  // words contain no spaces
            i += 1
        }
        guard i + 1 < b.count else { return nil }
        let payload = Array(b[payloadStart..<i])
        let decoded: [UInt8]
        if encoding == UInt8(ascii: "b") {
            // Lenient: missing padding is common.
            var padded = payload
            while padded.count % 4 != 0 { padded.append(UInt8(ascii: "=")) }
            guard let data = Data(base64Encoded: Data(padded), options: .ignoreUnknownCharacters) else { return nil }
            decoded = Array(data)
        } else {
            var out: [UInt8] = []
            var k = 0
            while k < payload.count {
                if payload[k] == UInt8(ascii: "_") {
                    out.append(0x20)
                } else if payload[k] == UInt8(ascii: "="), k + 2 < payload.count, let v = HeaderParameters.hexPair(payload[k + 1], payload[k + 2]) {
                    out.append(v)
                    k += 2
                } else {
                    out.append(payload[k])
                }
                k += 1
            }
            decoded = out
        }
        return (charset, decoded, i + 2)
    }

    static func decodeBytes(_ bytes: [UInt8], label: String, fallback: Charset, warnings: inout [String]) -> String {
        let charset = Charset(label: label)
        // A label that lies: non-ASCII bytes that are valid UTF-8 almost never are
        // valid text in another charset by accident (strict UTF-8 rejects the byte
        // pairs GBK, Big5 and Latin-1 text produce), while mailers that label UTF-8
        // as GB2312 or ISO-8859-1 are common. GB18030 would decode them to mojibake.
        if let charset, !charset.isUTF8, bytes.contains(where: { $0 >= 0x80 }), let utf8 = String(validating: bytes, as: UTF8.self) {
            warnings.append("header labelled \"\(label)\" is UTF-8; read as UTF-8")
            return utf8
        }
        if let charset, let decoded = try? IconvConverter.decode(bytes, charset: charset), decoded.replacements == 0 {
            return decoded.text
        }
        if let utf8 = String(validating: bytes, as: UTF8.self) {
            warnings.append("header charset \"\(label)\" \(Charset(label: label) == nil ? "is unknown" : "does not fit the bytes"); read as UTF-8")
            return utf8
        }
        let decoded = (try? IconvConverter.decode(bytes, charset: fallback)) ?? (String(decoding: bytes, as: UTF8.self), 1)
        warnings.append("header charset \"\(label)\" \(Charset(label: label) == nil ? "is unknown" : "does not fit the bytes"); read as \(fallback)")
        return decoded.0
    }

    static func decodeRaw(_ bytes: [UInt8], fallback: Charset, warnings: inout [String]) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) || fallback.isUTF8 {
            if let s = String(validating: bytes, as: UTF8.self) { return s }
        } else if let s = String(validating: bytes, as: UTF8.self) {
            return s
        }
        let decoded = (try? IconvConverter.decode(bytes, charset: fallback)) ?? (String(decoding: bytes, as: UTF8.self), 1)
        warnings.append("raw 8-bit header bytes read as \(fallback)")
        return decoded.0
    }
}
