import Foundation

/// A MIME header value with parameters, as in `Content-Type` and
/// `Content-Disposition`: `form-data; name="message"; filename*=UTF-8''%E6%8A%95.txt`.
///
/// Shared by every channel that reads MIME (form uploads, mail). Handles quoted
/// strings with backslash escapes, RFC 2231 / 5987 extended values
/// (`charset'lang'percent-encoded`) and their continuations (`name*0*=`,
/// `name*1=`); an extended value wins over a plain one of the same name.
public struct HeaderParameters: Sendable, Equatable {
    /// The value before the first `;`, trimmed and lower-cased (`multipart/form-data`).
    public var value: String
    /// Parameters by lower-cased name, decoded.
    public var parameters: [String: String]

    public init(value: String, parameters: [String: String] = [:]) {
        self.value = value
        self.parameters = parameters
    }

    public subscript(_ name: String) -> String? { parameters[name.lowercased()] }

    /// Parses a header value; never fails (malformed parameters are skipped).
    ///
    /// - Parameter fallbackCharset: how to decode an RFC 2231 value whose
    ///   charset is unknown to iconv or whose bytes are not valid in it.
    public init(parsing text: String, fallbackCharset: Charset = .utf8) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func skipSpace() { while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 } }
        var head = ""
        while i < scalars.count, scalars[i] != ";" { head.unicodeScalars.append(scalars[i]); i += 1 }
        value = head.trimmingWhiteSpace.lowercased()

        // Collect raw (name, value, extended) first: continuations are joined by index.
        var plain: [String: String] = [:]
        var sections: [String: [(index: Int, text: String, extended: Bool)]] = [:]
        while i < scalars.count {
            i += 1  // the ';'
            skipSpace()
            var name = ""
            while i < scalars.count, scalars[i] != "=", scalars[i] != ";" { name.unicodeScalars.append(scalars[i]); i += 1 }
            name = name.trimmingWhiteSpace.lowercased()
            guard i < scalars.count, scalars[i] == "=" else { continue }
            i += 1
            skipSpace()
            var raw = ""
            if i < scalars.count, scalars[i] == "\"" {
                i += 1
                while i < scalars.count {
                    if scalars[i] == "\"" {
                        // The closing quote is the one followed by `;` or the end: a
                        // sender that did not escape a quote inside (`"a"b.txt"`) loses
                        // nothing after it.
                        var j = i + 1
                        while j < scalars.count, scalars[j] == " " || scalars[j] == "\t" { j += 1 }
                        if j == scalars.count || scalars[j] == ";" { break }
                    }
                    // Browsers send a backslash in file names unescaped (C:\path):
                    // only \" and \\ are escapes.
                    if scalars[i] == "\\", i + 1 < scalars.count, scalars[i + 1] == "\"" || scalars[i + 1] == "\\" { i += 1 }
                    raw.unicodeScalars.append(scalars[i])
                    i += 1
                }
                if i < scalars.count { i += 1 }
                while i < scalars.count, scalars[i] != ";" { i += 1 }
            } else {
                while i < scalars.count, scalars[i] != ";" { raw.unicodeScalars.append(scalars[i]); i += 1 }
                raw = raw.trimmingWhiteSpace
            }
            guard !name.isEmpty else { continue }
            // name*=  name*0=  name*0*=
            var base = name, extended = false, index = 0
            if base.hasSuffix("*") { extended = true; base.removeLast() }
            if let star = base.lastIndex(of: "*"), let n = Int(base[base.index(after: star)...]) {
                index = n
                base = String(base[..<star])
                sections[base, default: []].append((n, raw, extended))
            } else if extended {
                sections[base, default: []].append((index, raw, true))
            } else {
                plain[base] = raw
            }
        }
        var parameters = plain
        for (name, parts) in sections {
            let ordered = parts.sorted { $0.index < $1.index }
            var charset: Charset? = nil
            var bytes: [UInt8] = []
            for (n, part) in ordered.enumerated() {
                var text = Substring(part.text)
                if n == 0, part.extended {
                    // charset'language'value
                    let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if pieces.count == 3 {
                        charset = Charset(label: String(pieces[0])) ?? (pieces[0].isEmpty ? nil : fallbackCharset)
                        text = pieces[2]
                    }
                }
                bytes += part.extended ? Self.percentDecode(text) : Array(text.utf8)
            }
            parameters[name] = Self.decode(bytes, charset: charset, fallback: fallbackCharset)
        }
        self.parameters = parameters
    }

    static func percentDecode(_ text: Substring) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let b = bytes.next() {
            if b == UInt8(ascii: "%"), let h = bytes.next(), let l = bytes.next(), let v = Self.hexPair(h, l) {
                out.append(v)
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// The byte two hex digits spell; nil when they are not hex digits.
    public static func hexPair(_ h: UInt8, _ l: UInt8) -> UInt8? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        guard let a = nibble(h), let b = nibble(l) else { return nil }
        return a << 4 | b
    }

    /// Bytes as text: in `charset` when given and valid, else UTF-8 when valid,
    /// else the fallback charset (with U+FFFD for what it cannot decode).
    public static func decode(_ bytes: [UInt8], charset: Charset?, fallback: Charset) -> String {
        if let charset, let text = try? IconvConverter.decode(bytes, charset: charset), text.replacements == 0 {
            return text.text
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        if let text = try? IconvConverter.decode(bytes, charset: fallback) { return text.text }
        return String(decoding: bytes, as: UTF8.self)
    }
}
