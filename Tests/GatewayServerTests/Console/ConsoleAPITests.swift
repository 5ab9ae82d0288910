import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore
import GatewayTestSupport
import Synchronization
import Testing

/// The console's JSON endpoints over real HTTP, as the page uses them.
@Suite("console API")
struct ConsoleAPITests {
    let client = TestHTTPClient.shared
    static let admin = TestTokens.bearer(TestTokens.admin)
    static let lead = TestTokens.bearer(TestTokens.lead)

    static let inbox = """

        [[channel]]
        name = "inbox"
        type = "lines"
        inbox = "in"
        """
    static let config = ServerFixture.formChannel + TestTokens.config + inbox + """

        [incidents]
        levels = [{ name = "yellow", customers = 3, minutes = 60 }]
        """

    /// Every response seen, checked against the OpenAPI document at the end of each test.
    final class Responses: Sendable {
        private let seen = Mutex<[OpenAPIValidator.Observed]>([])

        func record(_ method: String, _ path: String, _ result: HTTPResult) {
            var template = String(path.split(separator: "?")[0])
            for (pattern, name) in [(#"^/v1/console/raw/[^/]+"#, "/v1/console/raw/{sha256}"),
                                    (#"^/v1/console/quarantine/[^/]+/replay"#, "/v1/console/quarantine/{sha256}/replay"),
                                    (#"^/v1/console/incidents/[^/]+"#, "/v1/console/incidents/{cluster}"),
                                    (#"^/v1/console/complaints/[^/]+"#, "/v1/console/complaints/{id}"),
                                    (#"^/v1/console/customers/[^/]+"#, "/v1/console/customers/{key}"),
                                    (#"^/v1/console/replays/[^/]+"#, "/v1/console/replays/{id}")] {
                template = template.replacingOccurrences(of: pattern, with: name, options: .regularExpression)
            }
            seen.withLock { $0.append(.init(path: template, method: method.lowercased(), status: result.status, body: result.body)) }
        }

        func checkAgainstDocument() throws {
            let problems = try OpenAPIValidator.violations(seen.withLock { $0 })
            #expect(problems.isEmpty, "responses that break docs/openapi.json: \(problems)")
        }
    }
    let responses = Responses()

    func get(_ base: URL, _ path: String, _ headers: [String: String] = admin) async throws -> HTTPResult {
        let result = try await client.send("GET", URL(string: base.absoluteString + path)!, headers: headers)
        // The raw bytes are not JSON; every other answer is checked.
        if !path.hasPrefix("/v1/console/raw/") || result.status != 200 { responses.record("GET", path, result) }
        return result
    }

    func post(_ base: URL, _ path: String, _ headers: [String: String] = admin, json: String? = nil) async throws -> HTTPResult {
        var all = headers
        if json != nil { all["Content-Type"] = "application/json" }
        let result = try await client.send("POST", URL(string: base.absoluteString + path)!, headers: all, body: json.map { Data($0.utf8) })
        responses.record("POST", path, result)
        return result
    }

    static func channel(_ named: String, in result: HTTPResult) -> [String: Any]? {
        (result.json["channels"] as? [[String: Any]])?.first { $0["name"] as? String == named }
    }

    @Test("channels: type, sources, state, counts that follow posts, the levels in effect")
    func channels() async throws {
        let f = try ServerFixture(config: Self.config)
        try FileManager.default.createDirectory(at: f.dir.path("in"), withIntermediateDirectories: true)
        try await f.withServer { base in
            let before = try await get(base, "/v1/console/channels")
            #expect(before.status == 200)
            let web = try #require(Self.channel("web", in: before))
            #expect(web["type"] as? String == "web_form" && web["state"] as? String == "running")
            #expect(web["sources"] as? [String] == ["POST /v1/forms/web"])
            #expect(web["complaints_last_hour"] as? Int == 0)
            #expect((Self.channel("inbox", in: before)?["sources"] as? [String])?.first?.hasSuffix("/in") == true)
            #expect((before.json["levels"] as? [[String: Any]])?.first?["name"] as? String == "yellow")

            for i in 0..<2 {
                #expect(try await client.post(base.appending(path: "v1/forms/web"),
                                              "email=c\(i)%40example.cn&topic=billing&message=counted+\(i)").status == 202)
            }
            let after = try await get(base, "/v1/console/channels")
            let counted = try #require(Self.channel("web", in: after))
            #expect(counted["complaints_last_hour"] as? Int == 2 && counted["complaints_last_day"] as? Int == 2)
            #expect(counted["last_input_at"] is String)

            // Levels are decided with the clusters: a change applies at the next start, and the reload says so.
            try f.rewriteConfig(Self.config.replacingOccurrences(of: "customers = 3", with: "customers = 4"))
            let reloaded = try await post(base, "/v1/console/reload")
            #expect(reloaded.status == 200 && reloaded.json["restart_required"] as? [String] == ["incidents"], "\(reloaded.text)")

            // A drop folder that went missing shows the channel failing, with why.
            try FileManager.default.removeItem(at: f.dir.path("in"))
            let failing = try #require(Self.channel("inbox", in: try await get(base, "/v1/console/channels")))
            #expect(failing["state"] as? String == "failing")
            #expect((failing["last_error"] as? String)?.contains("does not exist") == true, "\(failing)")
        }
        try responses.checkAgainstDocument()
    }

    @Test("quarantine: newest first, masked without pii; raw download only with pii; dry run, then replay after the fix")
    func quarantineAndReplay() async throws {
        let f = try ServerFixture(config: Self.config)
        try FileManager.default.createDirectory(at: f.dir.path("in"), withIntermediateDirectories: true)
        try await f.withServer { base in
            let bytes = "!b1|please call li.lei@example.cn about my bill\n"
            _ = try f.dir.write("in/bad.txt", bytes)
            #expect(try await eventually { ((try await get(base, "/v1/console/quarantine")).json["entries"] as? [Any])?.count == 1 })
            let entry = try #require((try await get(base, "/v1/console/quarantine")).json["entries"] as? [[String: Any]]).first!
            let digest = try #require(entry["raw_sha256"] as? String)
            #expect(entry["channel"] as? String == "inbox")
            // Raw input names the customer in ways no field tells: withheld without pii.
            #expect(entry["excerpt"] == nil && entry["excerpt_withheld"] as? Bool == true, "withheld for admin: \(entry)")
            let unmasked = try #require((try await get(base, "/v1/console/quarantine", Self.lead)).json["entries"] as? [[String: Any]]).first!
            #expect((unmasked["excerpt"] as? String)?.contains("li.lei@example.cn") == true, "pii sees it: \(unmasked)")

            #expect(try await get(base, "/v1/console/raw/\(digest)").status == 403, "raw bytes need pii")
            let raw = try await get(base, "/v1/console/raw/\(digest)", Self.lead)
            #expect(raw.status == 200 && raw.text == bytes && raw.header("Content-Disposition")?.hasPrefix("attachment") == true)
            #expect(try await get(base, "/v1/console/raw/not-a-digest", Self.lead).status == 400)
            #expect(try await get(base, "/v1/console/raw/\(String(repeating: "0", count: 64))", Self.lead).status == 404)

            let path = "/v1/console/quarantine/\(digest)/replay?channel=inbox"
            let stillBroken = try await post(base, path + "&dry_run=true")
            #expect(stillBroken.status == 200 && stillBroken.json["still_failing"] as? Int == 1 && stillBroken.json["new"] as? Int == 0)

            // The parser's rule is fixed (here: another reject prefix); the dry run shows the complaint it would store.
            try f.rewriteConfig(Self.config.replacingOccurrences(of: "inbox = \"in\"", with: "inbox = \"in\"\nreject_prefix = \"~\""))
            #expect(try await post(base, "/v1/console/reload").status == 200)
            let dry = try await post(base, path + "&dry_run=true")
            #expect(dry.json["new"] as? Int == 1 && dry.json["still_failing"] as? Int == 0 && dry.json["dry_run"] as? Bool == true)
            #expect(try await f.store.complaintCount() == 0, "a dry run writes nothing")
            let done = try await post(base, path + "&dry_run=false")
            #expect(done.status == 200 && done.json["new"] as? Int == 1)
            #expect(try await f.store.complaintCount() == 1)
            #expect(((try await get(base, "/v1/console/quarantine")).json["entries"] as? [Any])?.isEmpty == true, "the entry is cleared")
            #expect(try await post(base, "/v1/console/quarantine/\(String(repeating: "0", count: 64))/replay").status == 404)
        }
        try responses.checkAgainstDocument()
    }

    @Test("incidents by level with a timeline, and a complaint's revisions with their diff")
    func incidentsAndComplaints() async throws {
        let f = try ServerFixture(config: Self.config)
        try FileManager.default.createDirectory(at: f.dir.path("in"), withIntermediateDirectories: true)
        try await f.withServer(dedup: ComplaintDedupStage(settings: f.config.dedup)) { base in
            #expect((try await get(base, "/v1/console/incidents")).json["incidents"] as? [Any] != nil)
            // A live stream open before the outage gets the level event as it is committed.
            let stream = try SSEConnection(port: base.port!, headers: TestTokens.bearer(TestTokens.reader))
            let text = "幸福小区3号楼从今天下午两点开始停电，到现在还没有恢复，也没有任何通知，请尽快处理"
            for i in 0..<3 {
                let body = "email=n\(i)%40example.cn&name=Neighbour\(i)&topic=outage&message=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                #expect(try await client.post(base.appending(path: "v1/forms/web"), body).status == 202)
            }
            let list = try #require((try await get(base, "/v1/console/incidents")).json["incidents"] as? [[String: Any]])
            let incident = try #require(list.first)
            #expect(incident["level"] as? String == "yellow" && incident["customers"] as? Int == 3 && incident["complaints"] as? Int == 3)
            let cluster = try #require(incident["cluster"] as? String)
            let detail = try await get(base, "/v1/console/incidents/\(cluster)")
            #expect(detail.status == 200 && detail.json["channels"] as? [String] == ["web"])
            let timeline = try #require(detail.json["timeline"] as? [[String: Any]])
            #expect(timeline.compactMap { $0["complaints"] as? Int }.reduce(0, +) == 3)
            #expect(timeline.compactMap { $0["customers"] as? Int }.reduce(0, +) == 3)
            let lines = try #require(detail.json["complaints"] as? [[String: Any]])
            #expect(lines.count == 3 && lines.allSatisfy { ($0["customer"] as? String)?.contains("@example.cn") == true })
            #expect(lines.allSatisfy { !(($0["customer"] as? String) ?? "").contains("Neighbour") }, "names masked without pii")
            #expect(try await get(base, "/v1/console/incidents/no-such-cluster").status == 404)
            #expect(try await get(base, "/v1/console/incidents?hours=0").status == 400)

            // The feed carries the level event to API consumers too.
            let feed = try await get(base, "/v1/complaints?limit=100", TestTokens.bearer(TestTokens.reader))
            #expect(feed.status == 200)
            let types = (feed.json["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
            #expect(types.filter { $0 == "incident.level_changed" }.count == 1, "\(types)")
            #expect(await stream.read(until: { $0.events.contains { $0.type == "incident.level_changed" } }, timeout: .seconds(30)))
            let event = try #require(stream.events.first { $0.type == "incident.level_changed" })
            #expect(event.data.contains(#""level":"yellow""#) && event.data.contains(#""source":"/incidents""#))
            #expect(!event.data.contains("Neighbour"), "no names in the samples")
            stream.disconnect()
            let metrics = try await client.send("GET", base.appending(path: "metrics"))
            let yellow = metrics.text.split(separator: "\n").first { $0.hasPrefix("complaint_gateway_incident_levels_total{level=\"yellow\"}") }
            #expect((yellow?.split(separator: " ").last).flatMap { Double($0) } ?? 0 >= 1, "counted per level: \(yellow ?? "absent")")

            // A complaint revised by a second input: both revisions, the second with its diff.
            _ = try f.dir.write("in/first.txt", "r1|the meter reads 120 kWh\n")
            let id = ComplaintIdentity.id(channel: "inbox", sourceID: "r1")
            #expect(try await eventually { try await get(base, "/v1/console/complaints/\(id)").status == 200 })
            _ = try f.dir.write("in/second.txt", "r1|the meter reads 210 kWh\n")
            #expect(try await eventually {
                ((try await get(base, "/v1/console/complaints/\(id)")).json["revisions"] as? [Any])?.count == 2
            })
            let complaint = try await get(base, "/v1/console/complaints/\(id)")
            let revisions = try #require(complaint.json["revisions"] as? [[String: Any]])
            #expect(revisions.map { $0["revision"] as? Int } == [2, 1], "newest first")
            let changes = try #require(revisions[0]["changes"] as? [[String: Any]])
            #expect(changes.contains { $0["path"] as? String == "body" && ($0["new"] as? String)?.contains("210") == true })
            #expect(complaint.json["dedup_status"] as? String == "unique" && complaint.json["raw_downloadable"] as? Bool == false)
            #expect(try await get(base, "/v1/console/complaints/\(id)", Self.lead).json["raw_downloadable"] as? Bool == true)
            #expect(try await get(base, "/v1/console/complaints/nothing-here").status == 404)
        }
        try responses.checkAgainstDocument()
    }

    @Test("a complaint's person and what linked it; the customer page: repeat and escalation, masked without pii; the two events in the feed")
    func customers() async throws {
        let f = try ServerFixture(config: Self.config)
        try await f.withServer(dedup: ComplaintDedupStage(settings: f.config.dedup)) { base in
            let texts = ["电费账单多扣了五十元", "营业厅态度很差，等了两个小时", "停电三次都没人来修，再不处理我就投诉到12315"]
            var ids: [String] = []
            for text in texts {
                let body = "email=zhou%40example.cn&phone=13800138000&name=Zhou&topic=billing&message=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                let accepted = try await client.post(base.appending(path: "v1/forms/web"), body)
                #expect(accepted.status == 202)
                ids.append(try #require(accepted.json["id"] as? String))
            }
            let complaint = try await get(base, "/v1/console/complaints/\(ids[2])")
            let person = try #require(complaint.json["person"] as? String)
            let evidence = try #require(complaint.json["person_evidence"] as? [[String: Any]])
            #expect(evidence.map { $0["found_in"] as? String } == ["customer.email", "customer.phone"])
            #expect(!String(decoding: complaint.body, as: UTF8.self).contains("13800138000"), "evidence masked without pii")

            let profile = try await get(base, "/v1/console/customers/\(person)")
            #expect(profile.status == 200)
            #expect(profile.json["complaints"] as? Int == 3 && profile.json["repeat"] as? Bool == true)
            #expect(profile.json["escalation_risk"] as? Bool == true)
            #expect((profile.json["escalation_reasons"] as? [String])?.contains { $0.contains("12315") } == true)
            #expect(!String(decoding: profile.body, as: UTF8.self).contains("zhou@example.cn"))
            let unmasked = try await get(base, "/v1/console/customers/\(person)", Self.lead)
            #expect(String(decoding: unmasked.body, as: UTF8.self).contains("email:zhou@example.cn"))
            #expect(try await get(base, "/v1/console/customers/p-00000000000000000000").status == 404)

            let feed = try await get(base, "/v1/complaints?limit=100", TestTokens.bearer(TestTokens.reader))
            let events = try #require(feed.json["events"] as? [[String: Any]])
            let signals = events.filter { ($0["type"] as? String)?.hasPrefix("customer.") == true }
            #expect(signals.map { $0["type"] as? String } == ["customer.repeat", "customer.escalation_risk"])
            #expect(signals.allSatisfy { $0["subject"] as? String == person && $0["source"] as? String == "/customers" })
            let schema = try await client.send("GET", base.appending(path: "schemas/customer-signal-v1.json"))
            #expect(schema.status == 200 && schema.text.contains("customer-signal-v1"))
            let metrics = try await client.send("GET", base.appending(path: "metrics"))
            let repeats = metrics.text.split(separator: "\n").first { $0.hasPrefix(#"complaint_gateway_customer_signals_total{event="customer.repeat"}"#) }
            #expect((repeats?.split(separator: " ").last).flatMap { Double($0) } ?? 0 >= 1, "counted per event: \(repeats ?? "absent")")
        }
        try responses.checkAgainstDocument()
    }

    @Test("replay with the CLI's filters: a dry run with its diff sample, then a run followed to its end")
    func replayJob() async throws {
        let f = try ServerFixture(config: Self.config)
        try FileManager.default.createDirectory(at: f.dir.path("in"), withIntermediateDirectories: true)
        try await f.withServer { base in
            _ = try f.dir.write("in/a.txt", "a1|first\n!bad|second\n")
            #expect(try await eventually { try await f.store.complaintCount() == 1 })
            #expect(try await post(base, "/v1/console/replays", json: "{\"channel\":\"nope\"}").status == 404)
            #expect(try await post(base, "/v1/console/replays", json: "{\"since\":\"yesterday\"}").status == 400)
            #expect(try await post(base, "/v1/console/replays", json: "not json").status == 400)
            let dry = try await post(base, "/v1/console/replays", json: #"{"channel":"inbox","quarantined":true,"dry_run":true}"#)
            #expect(dry.status == 200 && dry.json["inputs"] as? Int == 1 && dry.json["unchanged"] as? Int == 1
                    && dry.json["still_failing"] as? Int == 1, "\(dry.text)")

            let started = try await post(base, "/v1/console/replays", json: #"{"channel":"inbox","since":"2020-01-01","dry_run":false}"#)
            #expect(started.status == 202)
            let id = try #require(started.json["id"] as? String)
            #expect(try await eventually { (try await get(base, "/v1/console/replays/\(id)")).json["state"] as? String == "finished" })
            let job = try await get(base, "/v1/console/replays/\(id)")
            #expect(job.json["inputs"] as? Int == 1 && job.json["unchanged"] as? Int == 1 && job.json["remaining_at_start"] as? Int == 1)
            #expect((job.json["filter"] as? [String: String])?["channel"] == "inbox")
            #expect(try await get(base, "/v1/console/replays/unknown").status == 404)
        }
        try responses.checkAgainstDocument()
    }
}
