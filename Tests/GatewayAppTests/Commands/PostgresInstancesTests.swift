import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import GatewayCore
import PostgresStore
import GatewayTestSupport

/// Real `serve` processes on a real PostgreSQL server: two instances sharing
/// one store, drop folder and archive; and a server that goes away mid-ingest.
@Suite("PostgreSQL: several instances, outages", .enabled(if: PostgresTestServer.isAvailable))
struct PostgresInstancesTests {
    static let token = "test-token-0123456789abcdef"

    static func config(url: String, schema: String) -> String {
        """
        [server]
        scan_interval_seconds = 1
        [storage]
        type = "postgres"
        url = "\(url)"
        schema = "\(schema)"
        [archive]
        path = "state/archive"

        [[token]]
        name = "reader"
        secret = { env = "GATEWAY_TEST_TOKEN" }
        scopes = ["feed:read"]

        [[channel]]
        name = "web"
        type = "web_form"
        rate_limit_per_client = "100000/minute"
        [channel.fields]
        email = { to = "customer.email", required = true }
        message = { to = "body" }

        [[channel]]
        name = "mail"
        type = "email"
        drop_folder = "mail"
        """
    }

    /// Starts `serve` in `dir` with the token in its environment.
    static func serve(in dir: URL) throws -> (Process, URL) {
        setenv("GATEWAY_TEST_TOKEN", token, 1)
        let (process, port, _) = try ServeCLITests.start(in: dir)
        return (process, URL(string: "http://127.0.0.1:\(port)")!)
    }

    static func post(_ base: URL, _ body: String, key: String? = nil) async throws -> (Int, String?) {
        var request = URLRequest(url: base.appendingPathComponent("v1/forms/web"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        if let key { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        request.httpBody = Data(body.utf8)
        request.timeoutInterval = 60
        let (_, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Retry-After"))
    }

    /// Every feed event through the paged API, a small page at a time.
    static func pageFeed(_ base: URL) async throws -> [(sequence: Int64, id: String, status: String, channel: String)] {
        var out: [(Int64, String, String, String)] = []
        var after = "0"
        while true {
            var request = URLRequest(url: URL(string: "\(base.absoluteString)/v1/complaints?after=\(after)&limit=7")!)
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let (data, _) = try await URLSession.shared.data(for: request)
            let page = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let events = page["events"] as? [[String: Any]] ?? []
            for event in events {
                let complaint = event["data"] as? [String: Any] ?? [:]
                let dedup = complaint["dedup"] as? [String: Any] ?? [:]
                let channel = (complaint["channel"] as? [String: Any])?["name"] as? String ?? ""
                out.append((Int64(event["sequence"] as? String ?? "") ?? -1,
                            complaint["id"] as? String ?? "", dedup["status"] as? String ?? "unique", channel))
            }
            guard let next = page["next"] as? String, !events.isEmpty else { break }
            after = next
        }
        return out
    }

    static func stop(_ process: Process) async throws {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
    }

    @Test("two instances, same and overlapping inputs at once: nothing lost, nothing doubled, every event paged once")
    func twoInstances() async throws {
        let server = try #require(PostgresTestServer.shared)
        let dir = try TemporaryDirectory("pg-two")
        try FileManager.default.createDirectory(at: dir.path("mail"), withIntermediateDirectories: true)
        let schema = PostgresTestServer.uniqueSchema("two")
        try dir.write("channels.conf", Self.config(url: server.url, schema: schema))
        let (a, baseA) = try Self.serve(in: dir.url)
        defer { if a.isRunning { a.terminate() } }
        let (b, baseB) = try Self.serve(in: dir.url)
        defer { if b.isRunning { b.terminate() } }

        // 1. Keyed posts: 0..<40 to A, 20..<60 to B, all at once (20..<40 reach both).
        // 2. The same complaint sent twice at the same moment, once through each
        //    instance, differing only in an unmapped field: one complaint and one
        //    duplicate mark each.
        // 3. Mails dropped into the folder both instances watch.
        for i in 0..<8 {
            try dir.write("mail/m\(i).eml", """
                From: 客户\(i) <mail\(i)@example.cn>\r
                Subject: 投诉 \(i)\r
                Message-ID: <m\(i)@example.cn>\r
                Date: Mon, 23 Nov 2026 08:00:0\(i) +0800\r
                \r
                第 \(i) 封邮件：营业厅排队两个小时没有人处理，要求给个说法。\r

                """)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-10)], ofItemAtPath: dir.path("mail/m\(i).eml").path)
        }
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for (base, range) in [(baseA, 0..<40), (baseB, 20..<60)] {
                group.addTask {
                    var codes: [Int] = []
                    for i in range {
                        codes.append(try await Self.post(base, "email=k\(i)%40example.cn&message=keyed+\(i)", key: "key-\(i)").0)
                    }
                    return codes
                }
            }
            for (base, via) in [(baseA, "a"), (baseB, "b")] {
                group.addTask {
                    var codes: [Int] = []
                    for i in 0..<10 {
                        codes.append(try await Self.post(base, "email=d\(i)%40example.cn&message=%E7%94%B5%E8%A1%A8%E8%AF%BB%E6%95%B0%E4%B8%8D%E5%AF%B9+\(i)+meter+reading+wrong+again&via=\(via)").0)
                    }
                    return codes
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(statuses.count == 100)
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 202 }, "\(statuses.filter { $0 != 200 && $0 != 202 })")

        // 60 keyed + 20 (10 pairs) + 8 mails.
        var events: [(sequence: Int64, id: String, status: String, channel: String)] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            events = try await Self.pageFeed(baseB)
            if events.count >= 88 { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        try await Task.sleep(for: .seconds(2))  // anything late would show up now
        events = try await Self.pageFeed(baseA)
        #expect(events.count == 88)
        #expect(Set(events.map(\.id)).count == events.count, "no complaint twice")
        #expect(events.map(\.sequence) == events.map(\.sequence).sorted(), "in sequence order")
        #expect(Set(events.map(\.sequence)).count == events.count, "every event once")
        #expect(events.filter { $0.channel == "web" }.count == 80)
        #expect(events.filter { $0.channel == "mail" }.count == 8)
        #expect(events.filter { $0.status == "duplicate" || $0.status == "near_duplicate" }.count == 10,
                "each pair sent through both instances: one original, one duplicate")

        // Each dropped mail was ingested by exactly one instance.
        let store = try await PostgresComplaintStore(settings: server.settings(schema: schema))
        let perFile = try await store.rawQuery("""
            SELECT COUNT(*)::text FROM ingestions WHERE channel = 'mail' GROUP BY raw_sha256
            """)
        #expect(perFile.count == 8)
        #expect(perFile.allSatisfy { $0[0] == "1" }, "\(perFile)")
        store.close()

        try await Self.stop(a)
        try await Self.stop(b)
        #expect(a.terminationStatus == 0)
        #expect(b.terminationStatus == 0)
    }

    @Test("PostgreSQL stops mid-ingest: posts answer 503 with Retry-After, nothing acknowledged is lost, ingest resumes by itself")
    func outage() async throws {
        let dir = try TemporaryDirectory("pg-outage")
        let server = try PostgresTestServer.start(in: dir.path("pgdata"))
        defer { try? server.stop() }
        try dir.write("channels.conf", Self.config(url: server.url, schema: "outage"))
        let (gateway, base) = try Self.serve(in: dir.url)
        defer { if gateway.isRunning { gateway.terminate() } }

        // A client that retries on 503 as told, posting 120 complaints with keys.
        // The outage is driven by what the client observes, not by sleeps: the
        // server stops once some posts were acknowledged and starts again once a
        // post has been refused with 503.
        let progress = OutageProgress()
        let client = Task { () -> (acknowledged: [Int], unavailable: Int, retryAfter: Set<String>) in
            var acknowledged: [Int] = []
            var unavailable = 0
            var retryAfter = Set<String>()
            for i in 0..<120 {
                while true {
                    let (status, retry) = try await Self.post(base, "email=o\(i)%40example.cn&message=outage+\(i)", key: "outage-\(i)")
                    if status == 202 || status == 200 {
                        acknowledged.append(i)
                        progress.acknowledged()
                        break
                    }
                    #expect(status == 503, "a store outage answers 503, got \(status)")
                    unavailable += 1
                    progress.refused()
                    if let retry { retryAfter.insert(retry) }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            return (acknowledged, unavailable, retryAfter)
        }
        try await progress.wait(deadline: .seconds(120)) { $0.acknowledged >= 10 }
        try server.stop()
        // Down until a post has been refused, or 15 s (longer than the store
        // waits for a connection). A post in flight when the server stops may
        // also wait up to [server] store_timeout_seconds before its 503; what is
        // asserted is that every post is answered and nothing acknowledged is
        // lost or doubled.
        await progress.waitUpTo(.seconds(15)) { $0.refused >= 1 }
        try server.start()
        let result = try await client.value
        #expect(result.acknowledged == Array(0..<120))
        #expect(result.retryAfter.count <= result.unavailable && result.retryAfter.allSatisfy { Int($0) != nil }, "503s carry Retry-After")
        #expect(result.unavailable == 0 || !result.retryAfter.isEmpty, "every 503 carries Retry-After")
        #expect(gateway.isRunning, "serve survives the outage")

        let events = try await Self.pageFeed(base)
        let bodies = Set(events.map(\.id))
        #expect(events.count == 120, "every acknowledged post exactly once")
        #expect(bodies.count == 120)
        try await Self.stop(gateway)
        #expect(gateway.terminationStatus == 0)
    }
}

/// What the outage test's client has seen so far, for the test to wait on.
final class OutageProgress: Sendable {
    struct Counts { var acknowledged = 0; var refused = 0 }
    private let counts = Mutex(Counts())

    func acknowledged() { counts.withLock { $0.acknowledged += 1 } }
    func refused() { counts.withLock { $0.refused += 1 } }

    /// Returns once `condition` holds or `limit` has passed.
    func waitUpTo(_ limit: Duration, until condition: (Counts) -> Bool) async {
        let end = ContinuousClock.now + limit
        while !counts.withLock({ condition($0) }), ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Returns once `condition` holds; fails the test at the deadline.
    func wait(deadline: Duration, until condition: (Counts) -> Bool) async throws {
        let end = ContinuousClock.now + deadline
        while !counts.withLock({ condition($0) }) {
            guard ContinuousClock.now < end else {
                Issue.record("condition not reached within \(deadline): \(counts.withLock { $0 })")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
