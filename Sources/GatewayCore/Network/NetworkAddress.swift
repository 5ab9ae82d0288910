#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as the bytes a socket is given (a client behind
/// `trusted_proxies`, a feed server a download connects to), classified for
/// what a download may connect to.
///
/// The classification is the server-side request forgery guard: a feed URL,
/// or a redirect a feed server answers with, must not make the gateway reach
/// its own machine, the private network it sits in, or a cloud metadata
/// service (169.254.169.254) unless the admin allowed that range.
public struct NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Dotted IPv4 (`10.0.0.1`) or IPv6 text (`fe80::1`, `::ffff:127.0.0.1`).
    public init?(_ text: String) {
        guard let bytes = Self.parse(text) else { return nil }
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address an IPv6 address carries and routes to (IPv4-mapped
    /// `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`,
    /// 6to4 `2002:aabb:ccdd::/48`), so that a v6 spelling of 127.0.0.1 is
    /// judged as 127.0.0.1.
    public var embeddedIPv4: NetworkAddress? {
        guard bytes.count == 16 else { return nil }
        let prefix = bytes.prefix(12)
        if prefix.elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF])
            || (prefix.allSatisfy { $0 == 0 } && bytes[12...].contains { $0 != 0 } && !(bytes[12...15].elementsEqual([0, 0, 0, 1])))
            || prefix.elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]) {
            return NetworkAddress(bytes: Array(bytes[12...15]))
        }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return NetworkAddress(bytes: Array(bytes[2...5])) }
        return nil
    }

    /// Not a public unicast address: loopback, private (RFC 1918, unique
    /// local), link-local, shared (CGNAT), "this network", documentation and
    /// benchmark ranges, multicast, reserved and broadcast.
    public var isInternal: Bool {
        if let v4 = embeddedIPv4 { return v4.isInternal }
        return Self.internalRanges.contains { $0.contains(self) }
    }

    /// The ranges `isInternal` names (IANA special-purpose registries).
    public static let internalRanges: [NetworkRange] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ].map { NetworkRange($0)! }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16)) }
        return groups.joined(separator: ":")
    }

    /// By inet_pton: the C library's reading of an address, the same one the resolver uses.
    static func parse(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, String(text), &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
