#if canImport(Glibc)
import Glibc
#endif

/// An IP address or CIDR range (`10.0.0.0/8`, `::1`, `fd00::/8`), as
/// `[server] trusted_proxies` lists them.
public struct IPRange: Sendable, Equatable, CustomStringConvertible {
    /// The network's address bytes (4 or 16).
    let network: [UInt8]
    let prefixLength: Int
    public let description: String

    /// Nil when `text` is not an address or a CIDR range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let bytes = Self.bytes(of: String(parts[0])) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...bytes.count * 8).contains(n) else { return nil }
            length = n
        } else {
            length = bytes.count * 8
        }
        network = bytes
        prefixLength = length
        description = text
    }

    /// Whether the address written `text` lies in the range.
    public func contains(_ text: String) -> Bool {
        guard var bytes = Self.bytes(of: text) else { return false }
        // An IPv4 client seen on an IPv6 socket (::ffff:a.b.c.d) is the IPv4 address.
        if bytes.count == 16, network.count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        var remaining = prefixLength
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != network[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The address bytes of an IPv4 or IPv6 address, by inet_pton.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
