import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import GatewayServer
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import Logging
import SQLiteStore
import SocialFeedChannel
import Synchronization
import Testing

/// The feed poller against real HTTP servers on loopback, started by the test:
/// conditional requests answered 304, a 500 then recovery, a feed slower than
/// the timeout, a redirect; and none of them holding up the others.
@Suite("feed poller")
struct FeedPollerTests {
    /// What the test server saw.
    final class Hits: Sendable {
        let counts = Mutex<[String: Int]>([:])
        func add(_ key: String) -> Int { counts.withLock { $0[key, default: 0] += 1; return $0[key]! } }
        func get(_ key: String) -> Int { counts.withLock { $0[key, default: 0] } }
    }

    static func rss(_ items: [(String, String)]) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>t</title>
        \(items.map { "<item><guid>\($0.0)</guid><title>\($0.0)</title><description>\($0.1)</description></item>" }.joined())
        </channel></rss>
        """
    }

    static func routes(hits: Hits) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("feed") { request, _ -> Response in
            _ = hits.add("feed")
            // The plugin's media types, not a guess of the poller's.
            if request.headers[.accept]?.hasPrefix("application/rss+xml, application/atom+xml, application/feed+json") != true {
                _ = hits.add("feed.other-accept")
            }
            if request.headers[.ifNoneMatch] == "\"v1\"" {
                _ = hits.add("feed.304")
                return Response(status: .notModified)
            }
            var headers = HTTPFields()
            headers[.eTag] = "\"v1\""
            headers[.contentType] = "application/rss+xml"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: rss([("f1", "outage on Elm Street")]))))
        }
        router.get("flaky") { _, _ -> Response in
            if hits.add("flaky") == 1 { return Response(status: .internalServerError) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: rss([("k1", "billing error after recovery")]))))
        }
        router.get("slow") { _, _ -> Response in
            _ = hits.add("slow")
            try await Task.sleep(for: .seconds(12))
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: rss([("s1", "too late")]))))
        }
        router.get("gbk") { _, _ -> Response in
            // No encoding declaration: only the HTTP header names the charset.
            var headers = HTTPFields()
            headers[.contentType] = "text/xml; charset=gb2312"
            let body = Array("<rss version=\"2.0\"><channel><item><guid>g1</guid><title>停电</title><description>小区停电了</description></item></channel></rss>".utf8)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: FeedPollerTests.gbk(body))))
        }
        router.get("old") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.location] = "/moved"
            return Response(status: .movedPermanently, headers: headers)
        }
        router.get("moved") { _, _ -> Response in
            _ = hits.add("moved")
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: rss([("m1", "redirected complaint")]))))
        }
        return router
    }

    @Test func pollsConditionallyRecoversTimesOutAndFollowsRedirects() async throws {
        let hits = Hits()
        let dir = try TemporaryDirectory("poller")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.poller")
        logger.logLevel = .critical
        try await withThrowingTaskGroup(of: Void.self) { group in
            let app = Application(router: Self.routes(hits: hits), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let base = "http://127.0.0.1:\(port)"
            // A 5 s timeout: long enough for a loaded machine's answers, well short of the slow feed's 12 s.
            let config = ["feed", "flaky", "slow", "old", "gbk"].map { name in
                """
                [[channel]]
                name = "\(name)"
                type = "social_feed"
                url = "\(base)/\(name)"
                poll_interval_seconds = 1
                poll_timeout_seconds = 5
                allow_internal_addresses = ["127.0.0.1"]
                """
            }.joined(separator: "\n")
            let channels = try TestChannels.load(config, plugins: [SocialFeedPlugin()], baseDirectory: dir.url).channels
            #expect(channels.allSatisfy { $0.pollTargets.count == 1 })
            let store = try SQLiteComplaintStore(path: dir.url.appendingPathComponent("c.sqlite"))
            let pipeline = IngestPipeline(archive: try RawArchive(root: dir.url.appendingPathComponent("archive")), store: store,
                                          dedup: ExactDedupStage(), logger: logger)
            let poller = FeedPollerService(pipeline: pipeline, channels: channels, logger: logger)
            group.addTask { try await poller.run() }

            var bodies: [String: String] = [:]
            // Generous, for a loaded machine; the loop ends as soon as everything is seen.
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline {
                try await Task.sleep(for: .milliseconds(300))
                let page = try await store.feed(after: 0, limit: 100)
                bodies = Dictionary(page.compactMap(\.complaint).map { ($0.channel.name, $0.body) }, uniquingKeysWith: { a, _ in a })
                if bodies["flaky"] != nil, bodies["old"] != nil, bodies["gbk"] != nil, hits.get("feed.304") >= 2 { break }
            }
            group.cancelAll()
            // Conditional requests: the unchanged feed is fetched once, then answered 304.
            #expect(bodies["feed"] == "outage on Elm Street")
            #expect(hits.get("feed.304") >= 2, "304s: \(hits.get("feed.304")) of \(hits.get("feed"))")
            #expect(hits.get("feed.other-accept") == 0, "every request asks for the plugin's media types")
            // A 500, then recovery after the backoff.
            #expect(bodies["flaky"] == "billing error after recovery")
            #expect(hits.get("flaky") >= 2)
            // Redirects are followed.
            #expect(bodies["old"] == "redirected complaint")
            // The slow feed times out every time and holds up nobody.
            #expect(bodies["slow"] == nil)
            #expect(hits.get("slow") >= 1)
            let events = try await store.feed(after: 0, limit: 100)
            // The charset from the HTTP header.
            #expect(bodies["gbk"] == "小区停电了")
            #expect(events.count == 4, "one complaint per feed, no repeats: \(events.compactMap(\.complaint?.channel.name))")
            let redirected = events.first { $0.complaint?.channel.name == "old" }
            #expect(redirected?.complaint?.attributes["feed_url"] == .string("\(base)/moved"))
        }
    }

    /// UTF-8 text as GBK bytes (through iconv, as the gateway decodes).
    static func gbk(_ utf8: [UInt8]) -> [UInt8] {
        let cd = iconv_open("GBK", "UTF-8")
        defer { iconv_close(cd) }
        var input = utf8.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: utf8.count * 2)
        var inLeft = input.count, outLeft = output.count
        input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress
                var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress
                _ = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            }
        }
        return output.prefix(output.count - outLeft).map { UInt8(bitPattern: $0) }
    }

    @Test("through the poller: a feed on loopback is not polled without allow_internal_addresses; a redirect from an allowed feed to another internal address is refused; nothing of either is stored")
    func internalAddressesThroughThePoller() async throws {
        let inner = try LoopbackServer(host: "127.0.0.2") { connection in
            _ = connection.read()
            let body = Self.rss([("i1", "internal admin page")])
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            connection.close()
        }
        defer { inner.stop() }
        let outer = try LoopbackServer { connection in
            guard let head = connection.read() else { return }
            if head.hasPrefix("GET /direct") {
                let body = Self.rss([("d1", "should not be fetched")])
                connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            } else {
                connection.write("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:\(inner.port)/\r\nContent-Length: 0\r\n\r\n")
            }
            connection.close()
        }
        defer { outer.stop() }
        let dir = try TemporaryDirectory("poller-ssrf")
        let config = """
            [[channel]]
            name = "direct"
            type = "social_feed"
            url = "http://localhost:\(outer.port)/direct"
            poll_interval_seconds = 1
            [[channel]]
            name = "bounced"
            type = "social_feed"
            url = "\(outer.base)/bounce"
            poll_interval_seconds = 1
            allow_internal_addresses = ["127.0.0.1/32"]
            """
        var logger = Logger(label: "test.poller")
        logger.logLevel = .critical
        let channels = try TestChannels.load(config, plugins: [SocialFeedPlugin()], baseDirectory: dir.url).channels
        let store = try SQLiteComplaintStore(path: dir.url.appendingPathComponent("c.sqlite"))
        let pipeline = IngestPipeline(archive: try RawArchive(root: dir.url.appendingPathComponent("archive")), store: store,
                                      dedup: ExactDedupStage(), logger: logger)
        let poller = FeedPollerService(pipeline: pipeline, channels: channels, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await poller.run() }
            // The bounced feed was asked (so its poll ran), twice: a retry after the backoff.
            let polled = try await eventually(within: 60) { outer.connectionCount >= 2 }
            #expect(polled)
            group.cancelAll()
        }
        #expect(inner.connectionCount == 0, "the internal server behind the redirect was never reached")
        #expect(try await store.feed(after: 0, limit: 10).isEmpty, "nothing stored")
    }

    @Test func backoffDoublesWithJitterAndResetsOnSuccess() {
        var state = PollState()
        #expect(state.nextDelay(after: .failed, interval: .seconds(300), jitter: 1) == .seconds(5))
        #expect(state.nextDelay(after: .failed, interval: .seconds(300), jitter: 1) == .seconds(10))
        #expect(state.nextDelay(after: .failed, interval: .seconds(300), jitter: 1.25) == .seconds(25))
        for _ in 0..<30 { _ = state.nextDelay(after: .failed, interval: .seconds(300), jitter: 1) }
        #expect(state.nextDelay(after: .failed, interval: .seconds(300), jitter: 1) == PollState.maxBackoff)
        #expect(state.nextDelay(after: .unchanged, interval: .seconds(300)) == .seconds(300))
        #expect(state.failures == 0)
    }
}
