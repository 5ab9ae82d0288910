@testable import GatewayCore
import GatewayTestSupport
import Testing

@Suite("network ranges: trusted proxies, allowed internal feeds")
struct NetworkRangeTests {
    @Test("addresses and CIDR ranges, IPv4 and IPv6, IPv4-mapped peers")
    func containment() throws {
        let lan = try #require(NetworkRange("10.0.0.0/8" as String))
        #expect(lan.contains("10.200.3.4"))
        #expect(!lan.contains("11.0.0.1"))
        #expect(lan.contains("::ffff:10.1.2.3"), "an IPv4 client on an IPv6 socket")
        let host = try #require(NetworkRange("127.0.0.1" as String))
        #expect(host.contains("127.0.0.1") && !host.contains("127.0.0.2"))
        let odd = try #require(NetworkRange("192.168.4.0/22" as String))
        #expect(odd.contains("192.168.7.255") && !odd.contains("192.168.8.0"))
        let v6 = try #require(NetworkRange("fd00::/8" as String))
        #expect(v6.contains("fd12:3456::1") && !v6.contains("fe80::1") && !v6.contains("10.0.0.1"))
        #expect(try #require(NetworkRange("0.0.0.0/0" as String)).contains("8.8.8.8"))
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "example.com", "::1/129", "1.2.3.4/", "1.2.3.4/8/9"] {
            #expect(NetworkRange(bad) == nil, "\(bad)")
        }
    }

    @Test("trusted_proxies is validated by check")
    func configured() {
        let problems = TestChannels.problems("[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"proxy.example\"]\n").map(\.description)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("\"proxy.example\" is not an IP address") == true, "\(problems)")
        #expect(TestChannels.problems("[server]\ntrusted_proxies = [\"127.0.0.1\", \"fd00::/8\"]\n").isEmpty)
    }

    @Test("addresses: loopback, private, link-local, CGNAT, unique-local, mapped and NAT64 spellings are internal; public ones are not")
    func classification() {
        for text in ["127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                     "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd12:3456::1", "::ffff:127.0.0.1",
                     "::ffff:10.1.2.3", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "ff02::1"] {
            #expect(NetworkAddress(text)?.isInternal == true, "\(text)")
        }
        for text in ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2400:3200::1", "::ffff:8.8.8.8", "223.5.5.5"] {
            #expect(NetworkAddress(text)?.isInternal == false, "\(text)")
        }
        func range(_ text: String) -> NetworkRange? { NetworkRange(text) }
        #expect(range("10.20.0.0/16")?.contains(NetworkAddress("10.20.3.4")!) == true)
        #expect(range("10.20.0.0/16")?.contains(NetworkAddress("10.21.0.1")!) == false)
        #expect(range("127.0.0.1")?.contains(NetworkAddress("::ffff:127.0.0.1")!) == true)
        #expect(range("10.0.0.0/33") == nil)
        #expect(NetworkAddress("1.2.3") == nil && NetworkAddress("1::2::3") == nil && NetworkAddress("256.1.1.1") == nil)
    }
}
