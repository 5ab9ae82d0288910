/// A CIDR range (`10.20.0.0/16`, `fd00::/8`, or one address: `127.0.0.1`), as
/// `[server] trusted_proxies` and a feed's `allow_internal_addresses` list them.
public struct NetworkRange: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let network: NetworkAddress
    public let prefixLength: Int
    /// As written.
    public let description: String

    /// Nil when `text` is not an address or a CIDR range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = NetworkAddress(String(parts[0])) else { return nil }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...bits).contains(given), parts[1].allSatisfy(\.isASCII) else { return nil }
            length = given
        }
        network = address
        prefixLength = length
        description = text
    }

    /// For literals in code: a literal that is not a range is a programming error.
    public init(stringLiteral value: String) {
        guard let range = NetworkRange(value) else { preconditionFailure("not a CIDR range: \(value)") }
        self = range
    }

    /// Whether `address` is in the range. An IPv4 range also holds the IPv6
    /// spellings of its addresses (`::ffff:10.0.0.1`).
    public func contains(_ address: NetworkAddress) -> Bool {
        let candidate: NetworkAddress
        if address.bytes.count == network.bytes.count {
            candidate = address
        } else if network.isIPv4, let v4 = address.embeddedIPv4 {
            candidate = v4
        } else {
            return false
        }
        var remaining = prefixLength
        for (a, b) in zip(candidate.bytes, network.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// Whether the address written `text` lies in the range (false for what is not an address).
    public func contains(_ text: String) -> Bool {
        NetworkAddress(text).map(contains) ?? false
    }
}
