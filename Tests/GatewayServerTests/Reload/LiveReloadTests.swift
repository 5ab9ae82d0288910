import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayTestSupport
import Testing

/// `POST /v1/admin/reload` under a running server: channels added, a broken
/// file refused with every problem while the old configuration keeps
/// serving, channels removed and tokens rotated, form posts in flight kept.
@Suite("live reload over HTTP")
struct LiveReloadTests {
    let client = TestHTTPClient.shared
    static let admin = TestTokens.bearer(TestTokens.admin)

    static let base = ServerFixture.formChannel + TestTokens.config
    static let secondForm = """

        [[channel]]
        name = "web2"
        type = "web_form"
        [channel.fields]
        email = { to = "customer.email", required = true }
        message = { to = "body" }
        """
    static let inbox = """

        [[channel]]
        name = "inbox"
        type = "lines"
        inbox = "in"
        """


    @Test("add a channel, break the file, fix it: each step seen over HTTP")
    func addBreakFix() async throws {
        let f = try ServerFixture(config: Self.base)
        try FileManager.default.createDirectory(at: f.dir.path("in"), withIntermediateDirectories: true)
        var observed: [OpenAPIValidator.Observed] = []
        try await f.withServer { base in
            let reload = base.appending(path: "v1/admin/reload")
            let web2 = base.appending(path: "v1/forms/web2")
            func reloaded(_ headers: [String: String] = Self.admin) async throws -> HTTPResult {
                let result = try await client.send("POST", reload, headers: headers)
                observed.append(.init(path: "/v1/admin/reload", method: "post", status: result.status, body: result.body))
                return result
            }
            #expect(try await reloaded([:]).status == 401)
            #expect(try await reloaded(TestTokens.bearer(TestTokens.reader)).status == 403)
            #expect(try await client.post(web2, "email=a%40example.cn&message=before").status == 404)

            // 1. Two channels added: a form and a drop folder.
            try f.rewriteConfig(Self.base + Self.secondForm + Self.inbox)
            let added = try await reloaded()
            #expect(added.status == 200)
            #expect(added.json["applied"] as? Bool == true)
            #expect(added.json["added"] as? [String] == ["web2", "inbox"])
            #expect(added.json["generation"] as? Int == 1)
            #expect(try await client.post(web2, "email=a%40example.cn&message=after+reload").status == 202)
            _ = try f.dir.write("in/complaints.txt", "r1|the new folder channel is watched\n")
            let reader = TestTokens.bearer(TestTokens.reader)
            let sawInbox = try await eventually {
                let page = try await client.send("GET", URL(string: base.absoluteString + "/v1/complaints?channel=inbox")!, headers: reader)
                return !((page.json["events"] as? [Any]) ?? []).isEmpty
            }
            #expect(sawInbox, "a file dropped in the added channel's folder reaches the feed")

            // 2. A broken file: every problem returned, located; nothing changes.
            try f.rewriteConfig(Self.base + Self.secondForm.replacingOccurrences(of: "type = \"web_form\"", with: "type = \"web_form\"\nmax_body_byts = 10")
                                + Self.inbox.replacingOccurrences(of: "type = \"lines\"", with: "type = \"linez\""))
            let refused = try await reloaded()
            #expect(refused.status == 422)
            #expect(refused.json["applied"] as? Bool == false)
            #expect(refused.json["generation"] as? Int == 1)
            let texts = ((refused.json["problems"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }
            #expect(texts.count == 2, "\(texts)")
            #expect(texts.contains { $0.contains("channels.conf:") && $0.contains("max_body_byts") && $0.contains("max_body_bytes") }, "\(texts)")
            #expect(texts.contains { $0.contains("linez") }, "\(texts)")
            #expect(try await client.post(web2, "email=b%40example.cn&message=still+served").status == 202)

            // 3. Fixed, with web2 removed, a token rotated and [server] changed.
            let rotated = Self.base.replacingOccurrences(of: "CG_TEST_READER_TOKEN", with: "CG_TEST_ROTATED_TOKEN")
            setenv("CG_TEST_ROTATED_TOKEN", "rotated-reader-token-0123456789", 1)
            try f.rewriteConfig("[server]\nmax_connections = 77\n" + rotated + Self.inbox)
            let fixed = try await reloaded()
            #expect(fixed.status == 200)
            #expect(fixed.json["removed"] as? [String] == ["web2"])
            #expect(fixed.json["added"] as? [String] == [])
            #expect(fixed.json["restart_required"] as? [String] == ["server"])
            #expect(try await client.post(web2, "email=c%40example.cn&message=gone").status == 404)
            let feed = base.appending(path: "v1/complaints")
            #expect(try await client.send("GET", feed, headers: reader).status == 401, "the old secret no longer opens the feed")
            #expect(try await client.send("GET", feed, headers: TestTokens.bearer("rotated-reader-token-0123456789")).status == 200)

            let ready = try await client.send("GET", base.appending(path: "readyz"))
            #expect((ready.json["channels"] as? [String: String])?.keys.sorted() == ["inbox", "web"])
        }
        let problems = try OpenAPIValidator.violations(observed)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("form posts in flight during reloads are all answered and committed")
    func postsDuringReload() async throws {
        let f = try ServerFixture(config: Self.base)
        try await f.withServer { base in
            let form = base.appending(path: "v1/forms/web")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        try await client.post(form, "email=p\(i)%40example.cn&topic=outage&message=no+power+\(i)").status
                    }
                }
                // Reloads interleaved with the posts, alternating two valid files
                // that both keep the form channel (one changes it).
                for round in 0..<6 {
                    let changed = round % 2 == 0 ? Self.base.replacingOccurrences(of: "max_body_bytes = 4096", with: "max_body_bytes = 8192")
                                                 : Self.base
                    try f.rewriteConfig(changed)
                    #expect(try await client.send("POST", base.appending(path: "v1/admin/reload"), headers: Self.admin).status == 200)
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == 60)
            #expect(statuses.allSatisfy { $0 == 202 }, "\(statuses.filter { $0 != 202 })")
            let page = try await client.send("GET", URL(string: base.absoluteString + "/v1/complaints?limit=1000")!,
                                             headers: TestTokens.bearer(TestTokens.reader))
            #expect(((page.json["events"] as? [Any]) ?? []).count == 60)
        }
    }

    @Test("a sink added by a reload delivers the feed from its start; removed, it stops; added back, it resumes at its cursor")
    func sinkReload() async throws {
        let f = try ServerFixture(config: Self.base)
        let folder = f.dir.url.appendingPathComponent("feed-files")
        let withSink = Self.base + """

            [[sink]]
            name = "files"
            type = "ndjson"
            path = "feed-files"
            pii = true
            """
        func delivered() throws -> [String] {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []
            return try files.flatMap { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8).split(separator: "\n").map(String.init) }
        }
        try await f.withServer { base in
            let form = base.appending(path: "v1/forms/web")
            let reload = base.appending(path: "v1/admin/reload")
            #expect(try await client.post(form, "email=s1%40example.cn&topic=outage&message=first").status == 202)
            try f.rewriteConfig(withSink)
            #expect(try await client.send("POST", reload, headers: Self.admin).status == 200)
            #expect(try await eventually { try delivered().contains { $0.contains("s1@example.cn") } }, "the event before the sink existed")
            #expect(try await client.post(form, "email=s2%40example.cn&topic=outage&message=second").status == 202)
            #expect(try await eventually { try delivered().contains { $0.contains("s2@example.cn") } })

            // Removed: later events wait in the feed; added back, it picks up at its cursor.
            try f.rewriteConfig(Self.base)
            #expect(try await client.send("POST", reload, headers: Self.admin).status == 200)
            #expect(try await client.post(form, "email=s3%40example.cn&topic=outage&message=third").status == 202)
            try f.rewriteConfig(withSink)
            #expect(try await client.send("POST", reload, headers: Self.admin).status == 200)
            #expect(try await eventually { try delivered().contains { $0.contains("s3@example.cn") } })
            let lines = try delivered()
            #expect(lines.count == 3, "each event once: \(lines.count)")
        }
    }
}
