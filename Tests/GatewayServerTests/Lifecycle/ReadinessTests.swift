import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// `/readyz` says which part keeps the gateway from taking inputs, while it
/// lasts, and recovers when it is fixed.
@Suite("Readiness per cause")
struct ReadinessTests {
    let client = TestHTTPClient.shared

    func readiness(_ base: URL) async throws -> (status: Int, checks: [String: String]) {
        let r = try await client.send("GET", base.appending(path: "readyz"))
        return (r.status, r.json["checks"] as? [String: String] ?? [:])
    }

    @Test("a full, then read-only archive disk: /readyz 503 naming the archive and the cause; posts 503; ready again once it is back",
          .enabled(if: SmallFileSystem.isAvailable, "needs the right to mount a tmpfs"))
    func archiveDisk() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            #expect(try await readiness(base).status == 200)
            let disk = try SmallFileSystem(at: f.archive.root, bytes: 1 << 20)
            for folder in ["objects", "tmp"] {
                try FileManager.default.createDirectory(at: disk.url.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            disk.fill()
            let full = try await readiness(base)
            #expect(full.status == 503)
            #expect(full.checks["archive"]?.contains("is full") == true, "\(full.checks)")
            #expect(full.checks["store"] == "ok")
            let post = try await client.post(base.appending(path: "v1/forms/web"), FormIntakeTests.valid)
            #expect(post.status == 503)
            #expect(post.error["code"] as? String == "archive_unavailable")

            try disk.makeReadOnly()
            let readOnly = try await readiness(base)
            #expect(readOnly.status == 503)
            #expect(readOnly.checks["archive"]?.contains("read-only") == true, "\(readOnly.checks)")

            _ = try await ProcessRunner.run(URL(fileURLWithPath: "/bin/umount"), [disk.url.path])
            #expect(try await readiness(base).status == 200, "ready again once the archive is writable")
            #expect(try await client.post(base.appending(path: "v1/forms/web"), FormIntakeTests.valid).status == 202)
        }
    }
}
