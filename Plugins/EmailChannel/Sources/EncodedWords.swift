import ChannelSupport
import GatewayCore
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
            text += decodeRaw(unfoldingWhiteSpace(slice), fallback: fallback, warnings: &warnings)
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

    /// A run of white space holding a tab or a line break becomes one space:
    /// folding leaves the continuation line's tab in the value ("Re:\t=?utf-8?…"),
    /// and nobody writes a tab into a subject on purpose.
    static func unfoldingWhiteSpace(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D else {
                out.append(bytes[i])
                i += 1
                continue
            }
            var j = i
            var folded = false
            while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0A || bytes[j] == 0x0D {
                folded = folded || bytes[j] != 0x20
                j += 1
            }
            out.append(contentsOf: folded ? [0x20] : bytes[i..<j])
            i = j
        }
        return out
    }

    static func decodeBytes(_ bytes: [UInt8], label: String, fallback: Charset, warnings: inout [String]) -> String {
        LabelledTextDecoder.decode(bytes, label: label, fallback: fallback, what: "header", warnings: &warnings)
    }

    static func decodeRaw(_ bytes: [UInt8], fallback: Charset, warnings: inout [String]) -> String {
        LabelledTextDecoder.decode(bytes, label: nil, fallback: fallback, what: "raw 8-bit header", warnings: &warnings)
    }
}
