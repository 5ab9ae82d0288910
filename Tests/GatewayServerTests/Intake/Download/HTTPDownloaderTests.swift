import Foundation
import GatewayCore
@testable import GatewayServer
import GatewayTestSupport
import Synchronization
import Testing

/// The feed downloader against hostile HTTP servers on loopback (raw sockets,
/// every byte the test's): endless bodies and gzip bombs stop at the limit, a
/// server sending a byte at a time meets the whole-request deadline, and no
/// connection reaches an internal address the target does not allow, on the
/// first hop or after a redirect.
@Suite("HTTP downloader against hostile servers")
struct HTTPDownloaderTests {
    /// Bytes a handler managed to send before the client went away.
    final class Sent: Sendable {
        let bytes = Atomic<Int>(0)
        func add(_ n: Int) { bytes.add(n, ordering: .relaxed) }
        var total: Int { bytes.load(ordering: .relaxed) }
    }

    static let loopbackOnly: @Sendable (NetworkAddress) -> Bool = { $0 == NetworkAddress("127.0.0.1")! }

    static func request(_ url: String, maxBytes: Int = 1 << 20, deadline: Duration = .seconds(20),
                        permits: @escaping @Sendable (NetworkAddress) -> Bool = loopbackOnly,
                        permitsRedirect: @escaping @Sendable (String) -> Bool = { _ in true }) -> DownloadRequest {
        DownloadRequest(url: URL(string: url)!, maxBytes: maxBytes, deadline: deadline, permits: permits, permitsRedirect: permitsRedirect)
    }

    /// A server that promises a body and sends it one byte per `microseconds`.
    static func dripping(every microseconds: UInt32) throws -> LoopbackServer {
        try LoopbackServer { connection in
            _ = connection.read()
            guard connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n") else { return }
            while connection.write("x") { usleep(microseconds) }
        }
    }

    static func archive() throws -> (TemporaryDirectory, RawArchive) {
        let dir = try TemporaryDirectory("download")
        return (dir, try RawArchive(root: dir.path("archive")))
    }

    static func leftovers(_ archive: RawArchive) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: archive.root.appendingPathComponent("tmp").path)) ?? []
    }

    static func failure(_ body: () async throws -> DownloadResponse) async -> DownloadFailure? {
        do {
            let response = try await body()
            Issue.record("expected a failure, got status \(response.status)")
            return nil
        } catch let failure as DownloadFailure {
            return failure
        } catch {
            Issue.record("not a DownloadFailure: \(error)")
            return nil
        }
    }

    @Test("an endless body is cut off at max_document_bytes: nothing archived, the server stopped early")
    func endlessBody() async throws {
        let sent = Sent()
        let server = try LoopbackServer { connection in
            _ = connection.read()
            // No Content-Length: the body ends when the server closes, which it never does.
            guard connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n") else { return }
            let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
            while connection.write(chunk) { sent.add(chunk.count) }
            connection.close()
        }
        defer { server.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        let failure = await Self.failure { try await HTTPDownloader(archive: archive).download(Self.request(server.base + "/feed")) }
        #expect(failure?.kind == .tooLarge, "\(String(describing: failure))")
        #expect(sent.total < 64 << 20, "the client stopped reading near the limit, not after \(sent.total) bytes")
        #expect(Self.leftovers(archive).isEmpty, "the partial body is removed")
    }

    @Test("a Content-Length over the limit is refused before the body")
    func declaredTooLarge() async throws {
        let server = try LoopbackServer { connection in
            _ = connection.read()
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n")
            connection.write([UInt8](repeating: 0, count: 4096))
            connection.close()
        }
        defer { server.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        let failure = await Self.failure { try await HTTPDownloader(archive: archive).download(Self.request(server.base)) }
        #expect(failure?.kind == .tooLarge)
    }

    @Test("a gzip bomb stops at the limit of decoded bytes, though its wire bytes are far below it")
    func gzipBomb() async throws {
        // 64 MiB of zeros, gzipped by the system's gzip: about 64 KiB on the wire.
        let bomb = try await ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "head -c 67108864 /dev/zero | gzip -9 -c | base64 -w0"])
        let body = [UInt8](Data(base64Encoded: bomb.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!)
        #expect(body.count < 1 << 20)
        let server = try LoopbackServer { connection in
            _ = connection.read()
            connection.write("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(body.count)\r\n\r\n")
            connection.write(body)
            connection.close()
        }
        defer { server.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        let failure = await Self.failure { try await HTTPDownloader(archive: archive).download(Self.request(server.base, maxBytes: 4 << 20)) }
        #expect(failure?.kind == .tooLarge)
        #expect(failure?.description.contains("after decoding") == true, "\(String(describing: failure))")
        #expect(Self.leftovers(archive).isEmpty)
    }

    @Test("gzip that fits is decoded and archived; the final response's headers are kept")
    func gzipThatFits() async throws {
        let zipped = try await ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '<rss version=\"2.0\"/>' | gzip -c | base64 -w0"])
        let body = [UInt8](Data(base64Encoded: zipped.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!)
        let server = try LoopbackServer { connection in
            _ = connection.read()
            connection.write("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nETag: \"v7\"\r\nContent-Type: application/rss+xml\r\nContent-Length: \(body.count)\r\n\r\n")
            connection.write(body)
            connection.close()
        }
        defer { server.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        let response = try await HTTPDownloader(archive: archive).download(Self.request(server.base))
        #expect(response.status == 200)
        #expect(response.headers["etag"] == "\"v7\"")
        let object = try #require(response.object)
        #expect(try String(contentsOf: object.url, encoding: .utf8) == "<rss version=\"2.0\"/>")
    }

    @Test("a server sending one byte at a time meets the whole-request deadline")
    func slowDrip() async throws {
        let server = try Self.dripping(every: 200_000)
        defer { server.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        let started = ContinuousClock.now
        let failure = await Self.failure { try await HTTPDownloader(archive: archive).download(Self.request(server.base, deadline: .seconds(2))) }
        #expect(failure?.kind == .deadline, "\(String(describing: failure))")
        #expect(ContinuousClock.now - started < .seconds(30), "ended by the deadline, not by the body's end")
    }

    @Test("cancelling the task ends a download in progress")
    func cancellation() async throws {
        let server = try Self.dripping(every: 100_000)
        defer { server.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        let task = Task { try await HTTPDownloader(archive: archive).download(Self.request(server.base, deadline: .seconds(600))) }
        #expect(try await eventually(within: 30) { server.connectionCount == 1 })
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else { Issue.record("completed"); return }
        #expect((error as? DownloadFailure)?.kind == .cancelled, "\(String(describing: error))")
    }

    @Test("an internal address is refused before connecting, named by IP or by a host name that resolves to it")
    func internalAddressRefused() async throws {
        let server = try LoopbackServer { connection in
            _ = connection.read()
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            connection.close()
        }
        defer { server.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        for url in [server.base, "http://localhost:\(server.port)/", "http://[::ffff:127.0.0.1]:\(server.port)/"] {
            let failure = await Self.failure {
                try await HTTPDownloader(archive: archive).download(Self.request(url, permits: { !$0.isInternal }))
            }
            #expect(failure?.kind == .refusedAddress, "\(url): \(String(describing: failure))")
        }
        #expect(server.connectionCount == 0, "no connection was made")
        // The same server, allowed: fetched.
        let allowed = try await HTTPDownloader(archive: archive).download(Self.request(server.base))
        #expect(allowed.status == 200)
    }

    @Test("a redirect to another internal address is refused after resolving, before connecting; its content is not fetched")
    func redirectInward() async throws {
        let inner = try LoopbackServer(host: "127.0.0.2") { connection in
            _ = connection.read()
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret")
            connection.close()
        }
        defer { inner.stop() }
        let outer = try LoopbackServer { connection in
            _ = connection.read()
            connection.write("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:\(inner.port)/admin\r\nContent-Length: 0\r\n\r\n")
            connection.close()
        }
        defer { outer.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        let failure = await Self.failure { try await HTTPDownloader(archive: archive).download(Self.request(outer.base + "/feed")) }
        #expect(failure?.kind == .refusedAddress, "\(String(describing: failure))")
        #expect(failure?.description.contains("127.0.0.2") == true)
        #expect(outer.connectionCount == 1)
        #expect(inner.connectionCount == 0, "the internal server was never reached")
    }

    @Test("redirects: to a host not allowed, to file://, or too many, are refused; an allowed one is followed")
    func redirectRules() async throws {
        let server = try LoopbackServer { connection in
            guard let head = connection.read() else { return }
            let path = head.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
            switch path {
            case "/elsewhere": connection.write("HTTP/1.1 301 Moved\r\nLocation: http://feeds.example.net/x\r\nContent-Length: 0\r\n\r\n")
            case "/file": connection.write("HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n")
            case "/loop": connection.write("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n")
            case "/old": connection.write("HTTP/1.1 308 Permanent\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n")
            default: connection.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnew")
            }
            connection.close()
        }
        defer { server.stop() }
        let (dir, archive) = try Self.archive()
        _ = dir
        let downloader = HTTPDownloader(archive: archive)
        let onlyOwnHost: @Sendable (String) -> Bool = { $0 == "127.0.0.1" }
        let elsewhere = await Self.failure { try await downloader.download(Self.request(server.base + "/elsewhere", permitsRedirect: onlyOwnHost)) }
        #expect(elsewhere?.kind == .refusedRedirect)
        let file = await Self.failure { try await downloader.download(Self.request(server.base + "/file")) }
        #expect(file?.kind == .refusedRedirect)
        let loop = await Self.failure { try await downloader.download(Self.request(server.base + "/loop")) }
        #expect(loop?.kind == .refusedRedirect)
        #expect(loop?.description.contains("redirects") == true)
        let moved = try await downloader.download(Self.request(server.base + "/old", permitsRedirect: onlyOwnHost))
        #expect(moved.status == 200)
        #expect(moved.finalURL.absoluteString == server.base + "/new")
    }
}
