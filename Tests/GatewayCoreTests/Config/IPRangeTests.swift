import GatewayCore
import GatewayTestSupport
import Testing

@Suite("IP ranges of trusted proxies")
struct IPRangeTests {
    @Test("addresses and CIDR ranges, IPv4 and IPv6, IPv4-mapped peers")
    func containment() throws {
        let lan = try #require(IPRange("10.0.0.0/8"))
        #expect(lan.contains("10.200.3.4"))
        #expect(!lan.contains("11.0.0.1"))
        #expect(lan.contains("::ffff:10.1.2.3"), "an IPv4 client on an IPv6 socket")
        let host = try #require(IPRange("127.0.0.1"))
        #expect(host.contains("127.0.0.1") && !host.contains("127.0.0.2"))
        let odd = try #require(IPRange("192.168.4.0/22"))
        #expect(odd.contains("192.168.7.255") && !odd.contains("192.168.8.0"))
        let v6 = try #require(IPRange("fd00::/8"))
        #expect(v6.contains("fd12:3456::1") && !v6.contains("fe80::1") && !v6.contains("10.0.0.1"))
        #expect(try #require(IPRange("0.0.0.0/0")).contains("8.8.8.8"))
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "example.com", "::1/129", "1.2.3.4/", "1.2.3.4/8/9"] {
            #expect(IPRange(bad) == nil, "\(bad)")
        }
    }

    @Test("trusted_proxies is validated by check")
    func configured() {
        let problems = TestChannels.problems("[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"proxy.example\"]\n").map(\.description)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("\"proxy.example\" is not an IP address") == true, "\(problems)")
        #expect(TestChannels.problems("[server]\ntrusted_proxies = [\"127.0.0.1\", \"fd00::/8\"]\n").isEmpty)
    }
}
