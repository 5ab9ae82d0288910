import Foundation
import GatewayCore
@testable import GatewayServer
import GatewayTestSupport
import PropertyBased
import Synchronization
import Testing

/// Mutated HTTP responses (status lines, headers, chunked framing, gzip,
/// redirects) from a loopback server through the feed downloader: every one
/// ends in a response or a `DownloadFailure` within the deadline, nothing
/// over the limit is archived, and no partial body is left behind.
@Suite("Download fuzzing")
struct DownloadFuzzTests {
    /// `<rss version="2.0"/>`, gzipped.
    static let gzipped: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xB3, 0x29, 0x2A, 0x2E, 0x56, 0x28, 0x4B, 0x2D, 0x2A, 0xCE, 0xCC, 0xCF, 0xB3, 0x55, 0x32, 0xD2, 0x33, 0x50, 0xD2, 0xB7, 0x03, 0x00, 0xBB, 0x93, 0x1A, 0x7A, 0x14, 0x00, 0x00, 0x00,
    ]
    static let seeds: [[UInt8]] = [
        Array("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 20\r\n\r\n<rss version=\"2.0\"/>".utf8),
        Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<rss \r\nf\r\nversion=\"2.0\"/>\r\n0\r\n\r\n".utf8),
        Array("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(gzipped.count)\r\n\r\n".utf8) + gzipped,
        Array("HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n".utf8),
        Array("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n".utf8),
        Array("HTTP/1.0 200 OK\r\n\r\nbody until close".utf8),
    ] + Fuzz.regressions("downloads")
    static let tokens: [[UInt8]] = [
        "\r\n", "\r\n\r\n", "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: chunked\r\n", "Content-Encoding: gzip\r\n",
        "Content-Encoding: deflate, gzip, br\r\n", "Location: file:///etc/passwd\r\n", "Location: http://127.0.0.2/\r\n",
        "HTTP/1.1 100 Continue\r\n\r\n", "ffffffffffffffff\r\n", "0\r\n\r\n", "HTTP/1.1 200", String(repeating: "X-Pad: y\r\n", count: 50),
        ":", " ", "\0",
    ].map { Array($0.utf8) }

    @Test("mutated responses: a response or a DownloadFailure in time, nothing over the limit kept")
    func responses() async throws {
        let current = Mutex<[UInt8]>([])
        let server = try LoopbackServer { connection in
            _ = connection.read()
            connection.write(current.withLock { $0 })
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory("fuzz-download")
        let archive = try RawArchive(root: dir.path("archive"))
        let downloader = HTTPDownloader(archive: archive)
        let limit = 64 << 10
        await propertyCheck(count: Fuzz.cases, input: Fuzz.seed(of: Self.seeds.count), Fuzz.edits) { seed, edits in
            let bytes = Fuzz.mutate(Self.seeds[seed], with: edits, tokens: Self.tokens)
            Fuzz.record(bytes, target: "downloads")
            current.withLock { $0 = bytes }
            let started = ContinuousClock.now
            let request = DownloadRequest(url: URL(string: server.base + "/feed")!, maxBytes: limit, deadline: .seconds(3),
                                          permits: { $0 == NetworkAddress("127.0.0.1")! })
            do {
                let response = try await downloader.download(request)
                #expect(response.object.map { $0.size <= limit } ?? true)
            } catch is DownloadFailure {
            } catch {
                Issue.record("not a DownloadFailure: \(String(describing: error))")
            }
            // The deadline is 3 s; a loaded CI machine gets slack, a hang does not.
            #expect(ContinuousClock.now - started < .seconds(30), "took \(ContinuousClock.now - started)")
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: archive.root.appendingPathComponent("tmp").path)) ?? []
            #expect(leftovers.isEmpty, "partial bodies left: \(leftovers)")
        }
    }
}
