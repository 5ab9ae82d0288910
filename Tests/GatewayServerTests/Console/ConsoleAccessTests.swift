import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
import GatewayCore
#endif
import GatewayTestSupport
import Testing

/// Who reaches the console: nothing without scope `admin` (401 without a
/// credential, 403 with a lesser token), sessions by cookie that end with
/// sign-out or the token's rotation, and changes only with the console's header.
@Suite("console access")
struct ConsoleAccessTests {
    let client = TestHTTPClient.shared
    static let config = ServerFixture.formChannel + TestTokens.config
    static let digest = String(repeating: "a", count: 64)

    /// Every console page and endpoint.
    static let routes: [(String, String)] = [
        ("GET", "/console"), ("GET", "/v1/console/channels"), ("POST", "/v1/console/reload"), ("GET", "/v1/console/quarantine"),
        ("GET", "/v1/console/raw/\(digest)"), ("POST", "/v1/console/quarantine/\(digest)/replay"), ("GET", "/v1/console/incidents"),
        ("GET", "/v1/console/incidents/x"), ("GET", "/v1/console/complaints/x"), ("POST", "/v1/console/replays"),
        ("GET", "/v1/console/replays/x"),
    ]

    @Test("no console page or endpoint without scope admin: 401 without a credential, 403 with a lesser token")
    func everyRouteNeedsAdmin() async throws {
        let f = try ServerFixture(config: Self.config)
        try await f.withServer { base in
            for (method, path) in Self.routes {
                let url = URL(string: base.absoluteString + path)!
                let anonymous = try await client.send(method, url)
                #expect(anonymous.status == 401, "\(method) \(path) without a token: \(anonymous.status)")
                if path == "/console" {
                    #expect(anonymous.text.contains("<form method=\"post\" action=\"/console/login\""), "the sign-in form, not the console")
                    #expect(!anonymous.text.contains("app.js"))
                }
                for token in [TestTokens.reader, TestTokens.analyst, TestTokens.poster] {
                    let lesser = try await client.send(method, url, headers: TestTokens.bearer(token))
                    #expect(lesser.status == 403, "\(method) \(path) with a token without admin: \(lesser.status)")
                }
                let unknown = try await client.send(method, url, headers: TestTokens.bearer("not-a-configured-token-at-all"))
                #expect(unknown.status == 401)
                let admin = try await client.send(method, url, headers: TestTokens.bearer(TestTokens.admin))
                #expect(![401, 403].contains(admin.status) || path.hasPrefix("/v1/console/raw"),
                        "\(method) \(path) with admin: \(admin.status) \(admin.text)")
            }
        }
    }

    @Test("the session cookie is Secure when public_url is https or a trusted proxy forwarded HTTPS; not for plain HTTP or an untrusted X-Forwarded-Proto")
    func secureCookie() async throws {
        let body = "token=\(TestTokens.admin.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        func cookie(_ base: URL, _ headers: [String: String] = [:]) async throws -> String {
            let signed = try await client.post(base.appending(path: "console/login"), body, headers: headers)
            return try #require(signed.header("Set-Cookie"))
        }
        try await ServerFixture(config: Self.config).withServer { base in
            let plain = try await cookie(base), untrusted = try await cookie(base, ["X-Forwarded-Proto": "https"])
            #expect(!plain.contains("Secure"))
            #expect(!untrusted.contains("Secure"), "the peer is no trusted proxy")
        }
        try await ServerFixture(config: Self.config).withServer(configure: { $0.trustedProxies = [NetworkRange("127.0.0.0/8" as String)!] }) { base in
            let https = try await cookie(base, ["X-Forwarded-Proto": "https"]), http = try await cookie(base, ["X-Forwarded-Proto": "http"])
            #expect(https.contains("; Secure"))
            #expect(!http.contains("Secure"))
        }
        try await ServerFixture(config: Self.config).withServer(configure: { $0.publicURL = "https://complaints.example.cn" }) { base in
            let behindTLS = try await cookie(base)
            #expect(behindTLS.contains("; Secure"))
        }
    }

    @Test("sign in with an admin token: an HttpOnly SameSite=Strict session; changes need X-Console-Request; sign-out and token rotation end it")
    func sessions() async throws {
        let f = try ServerFixture(config: Self.config)
        try await f.withServer { base in
            let login = base.appending(path: "console/login")
            func signIn(_ token: String) async throws -> HTTPResult {
                try await client.post(login, "token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            }
            #expect(try await signIn("wrong-token-0123456789").status == 401)
            let lesser = try await signIn(TestTokens.analyst)
            #expect(lesser.status == 403 && lesser.text.contains("lacks scope admin"))
            #expect(lesser.header("Set-Cookie") == nil)

            let signed = try await signIn(TestTokens.admin)
            #expect(signed.status == 303 && signed.header("Location") == "/console")
            let cookie = try #require(signed.header("Set-Cookie"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(!cookie.contains(TestTokens.admin), "the browser never holds the token")
            let session = ["Cookie": String(cookie.split(separator: ";")[0])]

            let page = try await client.send("GET", base.appending(path: "console"), headers: session)
            #expect(page.status == 200 && page.text.contains("/console/app.js"))
            #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
            #expect(page.header("X-Frame-Options") == "DENY")
            #expect(try await client.send("GET", base.appending(path: "v1/console/channels"), headers: session).status == 200)

            let reload = base.appending(path: "v1/console/reload")
            let forged = try await client.send("POST", reload, headers: session)
            #expect(forged.status == 403 && forged.error["code"] as? String == "missing_header", "a cross-site form cannot reload")
            var console = session
            console["X-Console-Request"] = "1"
            #expect(try await client.send("POST", reload, headers: console).status == 200)

            let out = try await client.send("POST", base.appending(path: "console/logout"), headers: session)
            #expect(out.status == 303 && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            #expect(try await client.send("GET", base.appending(path: "v1/console/channels"), headers: session).status == 401)

            // A session ends when its token is rotated by a reload.
            let again = ["Cookie": String(try #require(try await signIn(TestTokens.admin).header("Set-Cookie")).split(separator: ";")[0]),
                         "X-Console-Request": "1"]
            #expect(try await client.send("GET", base.appending(path: "v1/console/channels"), headers: again).status == 200)
            // (Another variable, so tests running beside this one keep their admin token.)
            setenv("CG_TEST_ROTATED_ADMIN_TOKEN", "rotated-admin-token-0123456789", 1)
            try f.rewriteConfig(Self.config.replacingOccurrences(of: "CG_TEST_ADMIN_TOKEN", with: "CG_TEST_ROTATED_ADMIN_TOKEN"))
            let rotated = try await client.send("POST", reload, headers: again)
            #expect(rotated.status == 200, "\(rotated.text)")
            #expect(try await client.send("GET", base.appending(path: "v1/console/channels"), headers: again).status == 401)
        }
    }

    @Test("the static files hold no data and are served to anyone; the sign-in page too")
    func staticFiles() async throws {
        let f = try ServerFixture(config: Self.config)
        try await f.withServer { base in
            let script = try await client.send("GET", base.appending(path: "console/app.js"))
            #expect(script.status == 200 && script.header("Content-Type")?.hasPrefix("text/javascript") == true)
            #expect(script.text.contains("textContent") && !script.text.contains("innerHTML ="), "data is placed as text only")
            #expect(try await client.send("GET", base.appending(path: "console/app.css")).status == 200)
            let login = try await client.send("GET", base.appending(path: "console/login"))
            #expect(login.status == 200 && login.text.contains("令牌"))
        }
    }
}
