import GatewayCore

/// One header field as it appears in the message: its name and its value's
/// raw bytes, unfolded (a line break followed by white space removed).
///
/// Values stay bytes until asked for: mail carries raw 8-bit GBK or Big5 in
/// headers, and only the caller knows which fallback charset to decode with.
public struct MailHeaderField: Sendable, Equatable {
    public var name: String
    /// The value after the colon, unfolded, leading and trailing white space removed.
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// The value read byte for byte as ASCII/UTF-8, for structured fields
    /// (Message-ID, Content-Type) whose syntax is ASCII.
    public var asciiValue: String { String(decoding: value, as: UTF8.self) }
}

/// The header section of a message or a MIME part, in order.
public struct MailHeaders: Sendable, Equatable {
    public var fields: [MailHeaderField]

    public init(_ fields: [MailHeaderField] = []) {
        self.fields = fields
    }

    /// The first field named `name` (case-insensitive).
    public subscript(_ name: String) -> MailHeaderField? {
        fields.first { $0.name.caseInsensitiveCompare(name) }
    }

    /// Every field named `name`, in order.
    public func all(_ name: String) -> [MailHeaderField] {
        fields.filter { $0.name.caseInsensitiveCompare(name) }
    }

    /// The field's value as ASCII text, nil when absent.
    public func ascii(_ name: String) -> String? {
        self[name]?.asciiValue
    }

    /// The field's value as text: RFC 2047 encoded words decoded, raw 8-bit
    /// bytes read as UTF-8 when valid, else in `fallback`.
    public func text(_ name: String, fallback: Charset, warnings: inout [String]) -> String? {
        guard let field = self[name] else { return nil }
        let decoded = EncodedWords.decode(field.value, fallback: fallback)
        warnings.append(contentsOf: decoded.warnings.map { "\(field.name): \($0)" })
        return decoded.text
    }
}

extension String {
    /// ASCII case-insensitive equality, without allocating (header names are ASCII).
    func caseInsensitiveCompare(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = x >= 0x41 && x <= 0x5A ? x | 0x20 : x
            let ly = y >= 0x41 && y <= 0x5A ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }
}
