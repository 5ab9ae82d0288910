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

    /// The decoded fields and how many characters could not be decoded.
    public func decode(_ body: [UInt8]) -> (fields: [FormField], replacements: Int) {
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
        var replacements = 0
        func text(_ bytes: [UInt8]) -> String {
            if effective.isUTF8 || bytes.allSatisfy({ $0 < 0x80 }) {
                if let s = String(validating: bytes, as: UTF8.self) { return s }
                replacements += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            guard let decoded = try? IconvConverter.decode(bytes, charset: effective) else {
                replacements += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            replacements += decoded.replacements
            return decoded.text
        }
        let fields = pairs.map { FormField(name: text($0.name), value: .text(text($0.value))) }
        return (fields, replacements)
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
