import Foundation
import Testing
import GatewayTestSupport

/// The `complaint-gateway` executable, run as a real process on real files.
@Suite("complaint-gateway CLI")
struct CLITests {
    static let bin = ProcessRunner.gatewayExecutable
    static let fixtures = RepositoryPaths.root.appendingPathComponent("Plugins/CallLogChannel/Tests/Fixtures")

    static func run(_ args: [String], in dir: URL) throws -> ProcessResult {
        try ProcessRunner.run(bin, args, in: dir)
    }

    /// The same, waited for off the concurrency pool (see `ProcessRunner`).
    static func run(_ args: [String], in dir: URL) async throws -> ProcessResult {
        try await ProcessRunner.run(bin, args, in: dir)
    }

    /// A workspace with a channels.conf using the plugin's fixtures.
    static func workspace() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("cli")
        try FileManager.default.createDirectory(at: dir.path("drop/pbx"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("asterisk-master.csv"), to: dir.path("drop/pbx/Master.csv"))
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("callcentre-gbk.csv"), to: dir.path("export.csv"))
        try dir.write("channels.conf", """
            [storage]
            path = "state/c.sqlite"
            [archive]
            path = "state/archive"

            [[channel]]
            name = "pbx"
            type = "call_log"
            format = "asterisk"
            time_zone = "Asia/Shanghai"
            match_queues = ["complaints"]
            drop_folder = "drop/pbx"

            [[channel]]
            name = "callcentre"
            type = "call_log"
            format = "mapped"
            encoding = "gbk"
            time_zone = "Asia/Shanghai"
            columns = { id = "工单号", caller_number = "主叫号码", caller_name = "客户姓名", queue = "技能组", start = "开始时间", end = "结束时间", notes = "通话小结" }
            match_queues = ["投诉专线"]
            """)
        return dir
    }

    @Test("the repository's sample channels.conf is valid")
    func sampleConfig() throws {
        let r = try Self.run(["check"], in: RepositoryPaths.root)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("OK, 5 channels"))
    }

    @Test("check reports every problem with file, line and key, and exits 78")
    func checkProblems() throws {
        let dir = try TemporaryDirectory("cli")
        try dir.write("bad.conf", """
            [storage]
            type = "mysql"

            [[channel]]
            name = "a"
            type = "call_log"
            format = "asterisk"
            encodng = "gbk"

            [[channel]]
            name = "a"
            type = "call_log"
            format = "mapped"

            [[channel]]
            name = "c"
            type = "fax"
            """)
        let r = try Self.run(["check", "--config", "bad.conf"], in: dir.url)
        #expect(r.status == 78)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("bad.conf:2: storage.type: ") && $0.contains("\"mysql\" is not allowed") })
        #expect(lines.contains { $0.hasPrefix("bad.conf:8: channel[0].encodng: ") && $0.contains("allowed: name, type, format, columns") })
        #expect(lines.contains { $0.hasPrefix("bad.conf:11: channel[1].name: duplicate channel name \"a\" (first declared on line 5)") })
        #expect(lines.contains { $0.hasPrefix("bad.conf:17: channel[2].type: ") && $0.contains("known types: call_log") })
        // The duplicate name does not hide the channel's own problem.
        #expect(lines.contains { $0.hasPrefix("bad.conf:13: ") && $0.contains("needs a columns table") })
        #expect(lines.last == "bad.conf: 5 problems")
    }

    @Test("check warns about a feed on an internal address and an IMAP login allowed in clear text; the file stays valid")
    func exposureWarnings() throws {
        let dir = try TemporaryDirectory("cli-exposure")
        setenv("CG_TEST_CHECK_IMAP_PASSWORD", "pw", 1)
        _ = try dir.write("channels.conf", """
            [[channel]]
            name = "intranet"
            type = "social_feed"
            url = "http://127.0.0.1:9/feed.rss"
            [[channel]]
            name = "trusted-intranet"
            type = "social_feed"
            url = "http://10.20.1.5/feed.rss"
            allow_internal_addresses = ["10.20.0.0/16"]
            [[channel]]
            name = "mailbox"
            type = "email"
            imap = { url = "imap://127.0.0.1:1/INBOX", user = "u", password = { env = "CG_TEST_CHECK_IMAP_PASSWORD" }, allow_insecure_login = true }
            """)
        let r = try Self.run(["check"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("channel intranet: url http://127.0.0.1:9/feed.rss resolves to the internal address 127.0.0.1: every poll will be refused"), "\(r.stderr)")
        #expect(r.stderr.contains("channel trusted-intranet:") && r.stderr.contains("allowed by allow_internal_addresses"), "\(r.stderr)")
        #expect(r.stderr.contains("channel mailbox:") && r.stderr.contains("clear text"), "\(r.stderr)")
    }

    @Test("ingest, feed as CloudEvents, idempotent re-ingest, drop-folder scan, quarantine listing")
    func ingestAndFeed() throws {
        let ws = try Self.workspace()
        let first = try Self.run(["ingest"], in: ws.url)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.lines.last == "ingested 1 input: read 7, new 3, updated 0, unchanged 0, quarantined 3, skipped 1")

        let export = try Self.run(["ingest", "--channel", "callcentre", "export.csv"], in: ws.url)
        #expect(export.status == 0, "\(export.stderr)")
        // Its short row is kept (ragged = "keep"); the impossible date is quarantined.
        #expect(export.lines.last == "ingested 1 input: read 6, new 4, updated 0, unchanged 0, quarantined 1, skipped 1")

        // Scanning the drop folder again skips the file already ingested.
        let rescan = try Self.run(["ingest"], in: ws.url)
        #expect(rescan.lines.suffix(2) == ["ingested 0 inputs: read 0, new 0, updated 0, unchanged 0, quarantined 0, skipped 0",
                                           "skipped 1 input already ingested (unchanged since; `complaint-gateway replay` processes archived inputs again)"],
                "\(rescan.stdout)")
        // Naming it explicitly processes it again, and nothing is duplicated.
        let again = try Self.run(["ingest", "--channel", "pbx", "drop/pbx/Master.csv"], in: ws.url)
        #expect(again.lines.last == "ingested 1 input: read 7, new 0, updated 0, unchanged 3, quarantined 3, skipped 1")

        let feed = try Self.run(["feed"], in: ws.url)
        #expect(feed.status == 0)
        let events = try feed.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(events.count == 7)
        #expect(events.map { $0["sequence"] as? String } == ["1", "2", "3", "4", "5", "6", "7"])
        for e in events {
            #expect(e["specversion"] as? String == "1.0")
            #expect(e["type"] as? String == "complaint.received")
            #expect(e["datacontenttype"] as? String == "application/json")
            #expect(e["dataschema"] as? String == "urn:complaint-gateway:schema:complaint-v1")
            #expect(e["time"] is String)
            let data = try #require(e["data"] as? [String: Any])
            let channel = try #require(data["channel"] as? [String: Any])
            #expect(e["source"] as? String == "/channels/\(channel["name"] as! String)")
            #expect((e["id"] as? String)?.hasPrefix(data["id"] as! String) == true)
        }
        let bodies = events.compactMap { ($0["data"] as? [String: Any])?["body"] as? String }
        #expect(bodies.contains("客户投诉宽带断网三天，要求减免月租。\n已登记工单，承诺48小时内上门。"))

        let page = try Self.run(["feed", "--after", "4", "--limit", "1"], in: ws.url)
        #expect(page.lines.count == 1)
        #expect(page.stdout.contains("\"sequence\":\"5\""))

        let q = try Self.run(["quarantine"], in: ws.url)
        #expect(q.status == 0)
        #expect(q.stdout.contains("callcentre"))
        #expect(q.stdout.contains("line 6: impossible start time \"2026/11/31 9:40\" in column \"开始时间\": there is no 31 November"), "\(q.stdout)")
        #expect(q.stdout.contains("pbx"))
        #expect(q.stdout.contains("line 5: expected 16 to 21 columns, found 6"))
    }

    @Test("feed documents validate against schema/complaint-v1.schema.json")
    func schemaValidation() throws {
        if case .missing(let why) = JSONSchemaValidator.availability {
            #expect(!RepositoryPaths.isCI, "CI must install the validator: \(why)")
            return
        }
        let ws = try Self.workspace()
        _ = try Self.run(["ingest"], in: ws.url)
        _ = try Self.run(["ingest", "--channel", "callcentre", "export.csv"], in: ws.url)
        let feed = try Self.run(["feed"], in: ws.url)
        let documents = try feed.lines.map { line -> Data in
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try JSONSerialization.data(withJSONObject: try #require(event["data"]))
        }
        #expect(documents.count == 7)
        let schema = RepositoryPaths.root.appendingPathComponent("schema/complaint-v1.schema.json")
        #expect(try JSONSchemaValidator.violations(schema: schema, documents: documents) == [])
        // The validator is real: a broken document is caught.
        var broken = try #require(try JSONSerialization.jsonObject(with: documents[0]) as? [String: Any])
        broken["received_at"] = "yesterday"
        broken["customer"] = ["name": nil, "email": "A@B.C", "phone": "12345", "handle": nil, "account_id": nil] as [String: Any?]
        let violations = try JSONSchemaValidator.violations(schema: schema, documents: [JSONSerialization.data(withJSONObject: broken)])
        #expect(violations.count >= 3)
    }

    @Test("parse prints complaints and quarantine reasons without storing anything")
    func parseDryRun() throws {
        let dir = try TemporaryDirectory("cli")
        let r = try ProcessRunner.run(Self.bin, [
            "parse", "--type", "call_log", "--set", "format=asterisk", "--set", "time_zone=Asia/Shanghai",
            "--set", "match_queues=[\"complaints\"]", Self.fixtures.appendingPathComponent("asterisk-master.csv").path,
        ], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.lines
        #expect(lines.count == 6)
        #expect(lines.filter { $0.hasPrefix("{\"quarantined\":") }.count == 3)
        #expect(lines[0].contains("\"schema\":\"complaint/v1\""))
        #expect(lines[0].contains("\"phone\":\"+8613812345678\""))
        #expect(r.stderr.contains("read 7, complaints 3, quarantined 3, skipped 1"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty, "nothing written")

        let bad = try ProcessRunner.run(Self.bin, ["parse", "--type", "call_log", "--set", "format=csv", "x.csv"], in: dir.url)
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("format: \"csv\" is not allowed"))
    }

    @Test("channels lists the built-in plugins and their options")
    func channels() throws {
        let r = try Self.run(["channels"], in: RepositoryPaths.root)
        #expect(r.status == 0)
        #expect(r.stdout.contains("call_log: Call-detail CSV"))
        #expect(r.stdout.contains("match_queues"))
        #expect(r.stdout.contains("pbx: call_log watching"))
    }

    @Test("two ingest processes at once on one store: every complaint once, feed without gaps")
    func concurrentProcesses() async throws {
        let ws = try Self.workspace()
        // Two overlapping generated CDR files: rows 0..<3000 and 1500..<4500.
        func cdr(_ range: Range<Int>) -> String {
            range.map { n in
                "\"\",\"1380013\(String(format: "%04d", n))\",\"600\",\"from-pstn\",\"\",\"SIP/t-\(n)\",\"\",\"Queue\",\"complaints\",\"2026-11-20 09:00:00\",,\"2026-11-20 09:01:00\",60,0,\"NO ANSWER\",\"DOCUMENTATION\",\"u\(n)\",\"note \(n)\"\n"
            }.joined()
        }
        try ws.write("a.csv", cdr(0..<3000))
        try ws.write("b.csv", cdr(1500..<4500))
        let dir = ws.url
        async let a = Task.detached { try Self.run(["ingest", "--channel", "pbx", "a.csv"], in: dir) }.value
        async let b = Task.detached { try Self.run(["ingest", "--channel", "pbx", "b.csv"], in: dir) }.value
        let (ra, rb) = try await (a, b)
        #expect(ra.status == 0, "\(ra.stderr)")
        #expect(rb.status == 0, "\(rb.stderr)")
        let feed = try await Self.run(["feed"], in: ws.url)
        let sequences = feed.lines.compactMap { line -> Int? in
            guard let range = line.range(of: "\"sequence\":\"") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(sequences == Array(1...4500))
        let ids = Set(feed.lines.compactMap { line -> Substring? in
            guard let range = line.range(of: "\"source_id\":\"") else { return nil }
            return line[range.upperBound...].prefix { $0 != "\"" }
        })
        #expect(ids.count == 4500)
    }

    @Test("exit codes: 66 for a missing input, 75 for an unusable store, 64 for usage")
    func exitCodes() throws {
        let ws = try Self.workspace()
        let missing = try Self.run(["ingest", "--channel", "pbx", "nope.csv"], in: ws.url)
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.csv: no such file"))

        try ws.write("blocker", "a file where the store's folder should be")
        let conf = try String(contentsOf: ws.path("channels.conf"), encoding: .utf8).replacingOccurrences(of: "state/c.sqlite", with: "blocker/c.sqlite")
        try ws.write("channels.conf", conf)
        let down = try Self.run(["ingest", "--channel", "pbx", "drop/pbx/Master.csv"], in: ws.url)
        #expect(down.status == 75)
        #expect(down.stderr.contains("store unavailable"))

        let usage = try Self.run(["ingest", "--bogus"], in: ws.url)
        #expect(usage.status == 64)
    }
}
