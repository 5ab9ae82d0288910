import ChannelSupport
import GatewayCore

/// Decodes `application/x-www-form-urlencoded` bodies (the WHATWG URL
/// standard's algorithm): `&`-separated `name=value` pairs, `+` for space,
/// `%XX` bytes, then the bytes decoded in the form's charset.
///
/// The charset matters for legacy Chinese sites, whose pages are GBK and whose
/// browsers therefore post `%C4%E3%BA%C3` for 你好. It comes from the
/// Content-Type's `charset` parameter, else the HTML5 `_charset_` field, else
/// the channel's configured default.
public struct URLEncodedFormDecoder: Sendable {
    public var charset: Charset

    public init(charset: Charset = .utf8) {
        self.charset = charset
    }

    /// The decoded fields, and what had to be guessed about their charset
    /// (each warning once).
    ///
    /// Values are decoded by `LabelledTextDecoder`: a stateful charset
    /// (ISO-2022-JP) through iconv even when its bytes look like ASCII; UTF-8
    /// bytes under a legacy label (a GBK page's form posted by a UTF-8 client)
    /// read as UTF-8 with a warning instead of silently turned into mojibake.
    public func decode(_ body: [UInt8]) -> (fields: [FormField], warnings: [String]) {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        for piece in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let eq = piece.firstIndex(of: UInt8(ascii: "="))
            let name = Self.unescape(eq.map { piece[piece.startIndex..<$0] } ?? piece[...])
            let value = eq.map { Self.unescape(piece[piece.index(after: $0)...]) } ?? []
            pairs.append((name, value))
        }
        var effective = charset
        if let declared = pairs.first(where: { $0.name == Array("_charset_".utf8) }),
           let label = String(validating: declared.value, as: UTF8.self), let named = Charset(label: label) {
            effective = named
        }
        var warnings: [String] = []
        func text(_ bytes: [UInt8], what: String) -> String {
            var found: [String] = []
            let decoded = LabelledTextDecoder.decode(bytes, label: effective.label, fallback: effective, what: what, warnings: &found)
            for warning in found where !warnings.contains(warning) { warnings.append(warning) }
            return decoded
        }
        let fields = pairs.map { pair in
            let name = text(pair.name, what: "a field name")
            return FormField(name: name, value: .text(text(pair.value, what: "field \(name)")))
        }
        return (fields, warnings)
    }

    static func unescape(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex, let v = HeaderParameters.hexPair(bytes[i + 1], bytes[i + 2]) {
                out.append(v)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}
