import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Hummingbird
import Logging
import SQLiteStore
import Synchronization
import Testing

/// A real HTTP receiver on loopback that fails its first attempts, like a
/// consumer recovering from an outage.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var body: Data
        var signature: String?
        var contentType: String?
    }
    /// Answers 500 to this many requests (or to all while `down`), then 200.
    let state: Mutex<(failuresLeft: Int, down: Bool, attempts: Int, received: [Received])>

    init(failures: Int) {
        state = Mutex((failures, false, 0, []))
    }

    var received: [Received] { state.withLock { $0.received } }
    var attempts: Int { state.withLock { $0.attempts } }
    func setDown(_ down: Bool) { state.withLock { $0.down = down } }

    func run(_ body: (URL) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            let fail = self.state.withLock { s -> Bool in
                s.attempts += 1
                if s.down { return true }
                if s.failuresLeft > 0 { s.failuresLeft -= 1; return true }
                s.received.append(Received(body: Data(bytes.readableBytesView), signature: request.headers.first(where: { $0.name.canonicalName == "x-signature" })?.value,
                                           contentType: request.headers[.contentType]))
                return false
            }
            return Response(status: fail ? .internalServerError : .ok)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            try await body(URL(string: "http://127.0.0.1:\(port)/hook")!)
        }
    }
}

@Suite("Feed delivery to webhooks and NDJSON files")
struct SinkDeliveryTests {
    static let secret = SecretValue(Array("webhook-secret-0123456789".utf8))
    static var logger: Logger {
        var l = Logger(label: "test.sink")
        l.logLevel = .critical
        return l
    }

    static func ingest(_ f: ServerFixture, _ name: String, _ lines: String) async throws {
        let channel = f.channels.first { $0.name == "lines" }!
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write(name, lines), channel: channel)
    }

    static let config = ServerFixture.formChannel + "\n[[channel]]\nname = \"lines\"\ntype = \"lines\"\n"

    @Test("a webhook that fails its first attempts gets every event, signed, in order; the cursor survives a restart")
    func retries() async throws {
        let f = try ServerFixture(config: Self.config)
        try await Self.ingest(f, "1.txt", "a|one\nb|two\nc|three\n")
        let receiver = WebhookReceiver(failures: 3)
        try await receiver.run { url in
            let sink = SinkSettings(name: "hook", kind: .webhook, url: url, secret: Self.secret, maxAttempts: 5,
                                    initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))
            let service = SinkService(sink: sink, store: f.store, delivery: try makeDelivery(for: sink, privacy: PersonalDataPolicy(channels: f.channels)), logger: Self.logger)
            #expect(try await service.deliverPending())
            #expect(receiver.received.count == 3)
            #expect(receiver.attempts == 6, "three failures, then three deliveries")
            let sequences = receiver.received.compactMap { r -> String? in
                (try? JSONSerialization.jsonObject(with: r.body) as? [String: Any])?["sequence"] as? String
            }
            #expect(sequences == ["1", "2", "3"])
            for r in receiver.received {
                #expect(r.contentType?.hasPrefix("application/cloudevents+json") == true)
                #expect(RequestSignature.verify(r.signature, body: r.body, secret: Self.secret))
            }
            #expect(try await f.store.sinkCursor("hook") == 3)
            #expect(try await f.store.deadLetters(sink: nil, limit: 10).isEmpty)

            // A new service (a restart) delivers only what came after.
            try await Self.ingest(f, "2.txt", "d|four\n")
            let restarted = SinkService(sink: sink, store: f.store, delivery: try makeDelivery(for: sink, privacy: PersonalDataPolicy(channels: f.channels)), logger: Self.logger)
            #expect(try await restarted.deliverPending())
            #expect(receiver.received.count == 4)
            #expect(try await restarted.deliverPending() == false)
        }
    }

    @Test("after the retry budget an event is a dead letter; deliveries retry delivers it later")
    func deadLetters() async throws {
        let f = try ServerFixture(config: Self.config)
        try await Self.ingest(f, "1.txt", "a|one\nb|two\n")
        let receiver = WebhookReceiver(failures: 0)
        receiver.setDown(true)
        try await receiver.run { url in
            let sink = SinkSettings(name: "hook", kind: .webhook, url: url, maxAttempts: 2,
                                    initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(10))
            let service = SinkService(sink: sink, store: f.store, delivery: try makeDelivery(for: sink, privacy: PersonalDataPolicy(channels: f.channels)), logger: Self.logger)
            #expect(try await service.deliverPending())
            #expect(receiver.attempts == 4)
            let letters = try await f.store.deadLetters(sink: "hook", limit: 10)
            #expect(letters.map(\.sequence) == [1, 2])
            #expect(letters.allSatisfy { $0.error.contains("HTTP 500") && $0.attempts == 2 })
            #expect(try await f.store.sinkCursor("hook") == 2, "the sink moved on")

            receiver.setDown(false)
            let (delivered, failing) = try await DeadLetterRetrier(store: f.store, privacy: PersonalDataPolicy(channels: f.channels)).retry(sinks: [sink])
            #expect(delivered == 2)
            #expect(failing == 0)
            #expect(receiver.received.count == 2)
            #expect(try await f.store.deadLetters(sink: nil, limit: 10).isEmpty)
        }
    }

    @Test("filters: only the sink's channels and event types are delivered")
    func filters() async throws {
        let f = try ServerFixture(config: Self.config)
        try await Self.ingest(f, "1.txt", "a|one\n")
        try await Self.ingest(f, "2.txt", "a|one, corrected\n")
        let receiver = WebhookReceiver(failures: 0)
        try await receiver.run { url in
            let sink = SinkSettings(name: "updates", kind: .webhook, url: url, channels: ["lines"], types: ["complaint.updated"])
            let service = SinkService(sink: sink, store: f.store, delivery: try makeDelivery(for: sink, privacy: PersonalDataPolicy(channels: f.channels)), logger: Self.logger)
            _ = try await service.deliverPending()
            #expect(receiver.received.count == 1)
            let other = SinkSettings(name: "web-only", kind: .webhook, url: url, channels: ["web"])
            _ = try await SinkService(sink: other, store: f.store, delivery: try makeDelivery(for: other, privacy: PersonalDataPolicy(channels: f.channels)), logger: Self.logger).deliverPending()
            #expect(receiver.received.count == 1)
            #expect(try await f.store.sinkCursor("web-only") == 2, "skipped events still move the cursor")
        }
    }

    @Test("the NDJSON sink appends every event once, rotating files by size")
    func ndjson() async throws {
        let f = try ServerFixture(config: Self.config)
        try await Self.ingest(f, "1.txt", (0..<40).map { "n\($0)|complaint body number \($0)" }.joined(separator: "\n") + "\n")
        let folder = f.dir.url.appendingPathComponent("feed")
        let sink = SinkSettings(name: "files", kind: .ndjson, path: folder, rotateBytes: 4096)
        let service = SinkService(sink: sink, store: f.store, delivery: try makeDelivery(for: sink, privacy: PersonalDataPolicy(channels: f.channels)), logger: Self.logger)
        _ = try await service.deliverPending()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.count > 1, "rotated: \(files)")
        #expect(files.first == "feed-000000000001.ndjson")
        var sequences: [String] = []
        for file in files {
            for line in try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).split(separator: "\n") {
                sequences.append((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["sequence"] as? String ?? "")
            }
        }
        #expect(sequences == (1...40).map(String.init))
    }
}
