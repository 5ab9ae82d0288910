import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import GatewayTestSupport

/// `serve` stopped while concurrent form posts are being group-committed:
/// with SIGKILL, every post answered 202 is in the feed after a restart; with
/// SIGTERM, the shutdown order (stop taking, finish committing, then close)
/// keeps every one without a restart, and the process exits within its grace
/// period. None is ever there twice.
@Suite("serve stopped under load")
struct ServeKillTests {
    final class Acknowledged: Sendable {
        let ids = Mutex<[String]>([])
        let stop = Atomic(false)
        /// Set when the signal is sent: refused posts back off a little.
        let stopping = Atomic(false)
        var count: Int { ids.withLock { $0.count } }
    }

    static let config = """
        [server]
        shutdown_grace_seconds = 20
        [storage]
        path = "state/c.sqlite"
        [archive]
        path = "state/archive"

        [[channel]]
        name = "web"
        type = "web_form"
        rate_limit_per_client = "1000000/second"
        [channel.fields]
        email = { to = "customer.email", required = true }
        message = { to = "body" }
        """

    /// Posts from `senders` clients until `stop`, recording the id of each post answered 202.
    static func post(to url: URL, senders: Int, into acknowledged: Acknowledged) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    var n = 0
                    while !acknowledged.stop.load(ordering: .relaxed) {
                        n += 1
                        let body = "email=s\(sender)n\(n)%40example.cn&message=%E7%BD%91%E7%BB%9C%E6%96%AD%E4%BA%86+post+\(sender)-\(n)"
                        // A post refused or cut by the stop was never acknowledged: nothing to record.
                        guard let (status, text) = try? await ServeCLITests.post(url, body), status == 202 else {
                            if acknowledged.stopping.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
                            continue
                        }
                        let answer = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                        if let id = answer?["id"] as? String { acknowledged.ids.withLock { $0.append(id) } }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Whether `process` has exited within `seconds`, polled without blocking a
    /// thread of the cooperative pool (`waitUntilExit` would, while other
    /// tests' tasks wait for it).
    static func exited(_ process: Process, within seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// Each complaint id in the feed, with how often it is there.
    static func feedIDs(_ dir: TemporaryDirectory) async throws -> [String: Int] {
        let feed = try await ProcessRunner.run(ProcessRunner.gatewayExecutable, ["feed"], in: dir.url)
        #expect(feed.status == 0, "\(feed.stderr)")
        var events: [String: Int] = [:]
        for line in feed.lines where !line.isEmpty {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard (event["type"] as? String)?.hasPrefix("complaint.") == true else { continue }
            let data = try #require(event["data"] as? [String: Any])
            events[try #require(data["id"] as? String), default: 0] += 1
        }
        return events
    }

    @Test("SIGTERM under concurrent posts: every acknowledged post is in the feed once, and serve exits 0 within its grace period")
    func terminateUnderLoad() async throws {
        let dir = try TemporaryDirectory("serve-term")
        try dir.write("channels.conf", Self.config)
        let (process, port, _) = try ServeCLITests.start(in: dir.url)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let url = URL(string: "http://127.0.0.1:\(port)/v1/forms/web")!
        let acknowledged = Acknowledged()
        var signalled = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Self.post(to: url, senders: 8, into: acknowledged) }
            let deadline = Date().addingTimeInterval(120)
            while acknowledged.count < 60, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            acknowledged.stopping.store(true, ordering: .relaxed)
            signalled = Date()
            kill(process.processIdentifier, SIGTERM)
            // The clients keep posting while serve stops: refusals and cut connections are fine.
            let stopBy = Date().addingTimeInterval(60)
            while process.isRunning, Date() < stopBy { try await Task.sleep(for: .milliseconds(20)) }
            acknowledged.stop.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }
        #expect(try await Self.exited(process, within: 30), "serve stopped")
        #expect(process.terminationStatus == 0)
        #expect(Date().timeIntervalSince(signalled) < 20 + 10, "within the grace period (20 s) and the time to notice")
        let ids = acknowledged.ids.withLock { $0 }
        #expect(ids.count >= 60)
        #expect(Set(ids).count == ids.count)
        // No restart: what was acknowledged was committed before serve exited.
        let events = try await Self.feedIDs(dir)
        let missing = ids.filter { events[$0] == nil }
        #expect(missing.isEmpty, "acknowledged but not in the feed: \(missing.count) of \(ids.count)")
        #expect(events.values.allSatisfy { $0 == 1 }, "a complaint in the feed twice")
    }

    @Test("kill -9 under concurrent posts: every acknowledged post is in the feed once")
    func killUnderLoad() async throws {
        let dir = try TemporaryDirectory("serve-kill")
        try dir.write("channels.conf", Self.config)
        let (process, port, _) = try ServeCLITests.start(in: dir.url)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let url = URL(string: "http://127.0.0.1:\(port)/v1/forms/web")!
        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Self.post(to: url, senders: 8, into: acknowledged) }
            // Killed while posts are in flight, once enough have been acknowledged.
            let deadline = Date().addingTimeInterval(120)
            while acknowledged.count < 60, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            kill(process.processIdentifier, SIGKILL)
            acknowledged.stop.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }
        #expect(try await Self.exited(process, within: 30))
        let ids = acknowledged.ids.withLock { $0 }
        #expect(ids.count >= 60, "posts were acknowledged before the kill")
        #expect(Set(ids).count == ids.count, "each post is its own complaint")

        // Restarted: recovery finishes what the kill interrupted.
        let (again, _, _) = try ServeCLITests.start(in: dir.url)
        kill(again.processIdentifier, SIGTERM)
        #expect(try await Self.exited(again, within: 60))

        let events = try await Self.feedIDs(dir)
        let missing = ids.filter { events[$0] == nil }
        #expect(missing.isEmpty, "acknowledged but not in the feed: \(missing.count) of \(ids.count)")
        #expect(events.values.allSatisfy { $0 == 1 }, "a complaint in the feed twice")
    }
}
