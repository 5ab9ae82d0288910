import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// Behind a reverse proxy, per-client rate limits count the client named by
/// `X-Forwarded-For`, and only when the peer is a trusted proxy.
@Suite("trusted proxies")
struct TrustedProxyTests {
    let client = TestHTTPClient.shared
    static let config = ServerFixture.formChannel.replacingOccurrences(of: "\"1000/second\"", with: "\"2/minute\"")
    static let body = "email=li%40example.cn&topic=outage&message=no+power"

    func post(_ base: URL, _ n: Int, forwardedFor: String?) async throws -> Int {
        try await client.post(base.appending(path: "v1/forms/web"), Self.body + "&n=\(n)",
                              headers: forwardedFor.map { ["X-Forwarded-For": $0] } ?? [:]).status
    }

    @Test("from a trusted proxy: each forwarded client has its own allowance; forged entries on the left are ignored")
    func trusted() async throws {
        let f = try ServerFixture(config: Self.config)
        try await f.withServer(configure: { $0.trustedProxies = [NetworkRange("127.0.0.0/8" as String)!] }) { base in
            let s1 = try await post(base, 1, forwardedFor: "203.0.113.5")
            #expect(s1 == 202)
            let s2 = try await post(base, 2, forwardedFor: "198.51.100.1, 203.0.113.5")
            #expect(s2 == 202)
            let s3 = try await post(base, 3, forwardedFor: "192.0.2.77, 203.0.113.5")
            #expect(s3 == 429, "the forged left entry does not help")
            let s4 = try await post(base, 4, forwardedFor: "203.0.113.6")
            #expect(s4 == 202, "another client behind the proxy")
        }
    }

    @Test("without trusted_proxies, X-Forwarded-For is ignored: the peer is the client")
    func untrusted() async throws {
        let f = try ServerFixture(config: Self.config)
        try await f.withServer { base in
            let s1 = try await post(base, 1, forwardedFor: "203.0.113.5")
            #expect(s1 == 202)
            let s2 = try await post(base, 2, forwardedFor: "203.0.113.6")
            #expect(s2 == 202)
            let s3 = try await post(base, 3, forwardedFor: "203.0.113.7")
            #expect(s3 == 429)
        }
    }
}
