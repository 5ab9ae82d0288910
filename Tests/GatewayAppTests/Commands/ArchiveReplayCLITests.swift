import Foundation
import Testing
import GatewayTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Operators' commands, run as real processes.
@Suite("archive and replay commands")
struct ArchiveReplayCLITests {
    static let bin = ProcessRunner.gatewayExecutable

    @Test("archive verify reports a corrupted object and exits 1; stats lists inputs per day")
    func verify() throws {
        let ws = try CLITests.workspace()
        #expect(try CLITests.run(["ingest"], in: ws.url).status == 0)
        let ok = try CLITests.run(["archive", "verify"], in: ws.url)
        #expect(ok.status == 0)
        #expect(ok.lines.last == "verified 1 object (1399 bytes): 0 missing, 0 corrupted")

        let sha = try RawArchiveDigest.of(ws.path("drop/pbx/Master.csv"))
        let object = ws.path("state/archive/objects/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)")
        chmod(object.path, 0o644)
        try Data("tampered".utf8).write(to: object)
        let bad = try CLITests.run(["archive", "verify"], in: ws.url)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("corrupted \(sha)"))
        #expect(bad.lines.last == "verified 1 object (1399 bytes): 0 missing, 1 corrupted")

        let stats = try CLITests.run(["archive", "stats"], in: ws.url)
        #expect(stats.status == 0)
        #expect(stats.lines.count == 2)
        #expect(stats.lines[1].contains("pbx"))
    }

    @Test("replay after a configuration fix: dry run, real run, then nothing left to change")
    func replayAfterFix() throws {
        let ws = try CLITests.workspace()
        // Ingest with the wrong time zone first.
        let conf = try String(contentsOf: ws.path("channels.conf"), encoding: .utf8)
        try ws.write("channels.conf", conf.replacingOccurrences(of: "time_zone = \"Asia/Shanghai\"\nmatch_queues = [\"complaints\"]",
                                                                with: "match_queues = [\"complaints\"]"))
        #expect(try CLITests.run(["ingest"], in: ws.url).status == 0)
        try ws.write("channels.conf", conf)

        let dry = try CLITests.run(["replay", "--channel", "pbx", "--dry-run"], in: ws.url)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.lines.first == "dry run, would replay 1 input (7 records): unchanged 0, updated 3, new 0, still failing 3, not complaints 1")
        #expect(dry.stdout.contains("occurred_at: 2026-11-20T09:15:02Z → 2026-11-20T01:15:02Z"))

        let run = try CLITests.run(["replay", "--channel", "pbx"], in: ws.url)
        #expect(run.lines.first == "replayed 1 input (7 records): unchanged 0, updated 3, new 0, still failing 3, not complaints 1")
        let again = try CLITests.run(["replay", "--channel", "pbx"], in: ws.url)
        #expect(again.lines.first == "replayed 1 input (7 records): unchanged 3, updated 0, new 0, still failing 3, not complaints 1")

        let feed = try CLITests.run(["feed"], in: ws.url)
        #expect(feed.lines.count == 6)
        #expect(feed.lines.filter { $0.contains("\"type\":\"complaint.updated\"") }.count == 3)
        #expect(try CLITests.run(["replay", "--since", "yesterday"], in: ws.url).status == 64)
    }

    @Test("import brings a nested backlog in with original dates, and resumes without repeating")
    func importBacklog() throws {
        let ws = try CLITests.workspace()
        let row = { (n: Int) in "\"\",\"1390000\(String(format: "%04d", n))\",\"600\",\"x\",\"\",\"SIP/t\",\"\",\"Queue\",\"complaints\",\"2020-05-01 10:00:00\",,\"2020-05-01 10:01:00\",60,0,\"NO ANSWER\",\"DOCUMENTATION\",\"old\(n)\",\"\"\n" }
        let a = try ws.write("backlog/2020/05/a.csv", row(1) + row(2))
        let b = try ws.write("backlog/2020/06/b.csv", row(3))
        try ws.write("backlog/.hidden.csv", row(4))
        try ws.write("backlog/c.csv.part", row(5))
        let old = Date(timeIntervalSince1970: 1_588_327_200)  // 2020-05-01T10:00:00Z
        for f in [a, b] { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: f.path) }

        let first = try CLITests.run(["import", "--channel", "pbx", "backlog"], in: ws.url)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.lines.last == "imported 2 files (0 already ingested): read 3, new 3, updated 0, unchanged 0, quarantined 0, skipped 0")
        let feed = try CLITests.run(["feed"], in: ws.url)
        #expect(feed.lines.count == 3)
        #expect(feed.lines.allSatisfy { $0.contains("\"received_at\":\"2020-05-01T10:00:00Z\"") })

        let again = try CLITests.run(["import", "--channel", "pbx", "backlog"], in: ws.url)
        #expect(again.lines.last == "imported 0 files (2 already ingested): read 0, new 0, updated 0, unchanged 0, quarantined 0, skipped 0")
        #expect(try CLITests.run(["import", "--channel", "pbx", "nope"], in: ws.url).status == 66)
    }

    @Test("a process killed mid-ingest loses nothing and duplicates nothing after restart")
    func killNine() async throws {
        let ws = try CLITests.workspace()
        let rows = 30_000
        var csv = ""
        csv.reserveCapacity(rows * 200)
        // No agent notes: the bodies are channel-written, which the dedup stage skips,
        // so the debug build gets through 30,000 rows quickly.
        for n in 0..<rows {
            csv += "\"\",\"138\(String(format: "%08d", n))\",\"600\",\"from-pstn\",\"\",\"SIP/t-\(n)\",\"\",\"Queue\",\"complaints\",\"2026-11-20 09:00:00\",,\"2026-11-20 09:01:00\",60,0,\"NO ANSWER\",\"DOCUMENTATION\",\"k\(n)\",\"\"\n"
        }
        try ws.write("big.csv", csv)

        let process = Process()
        process.executableURL = Self.bin
        process.arguments = ["ingest", "--channel", "pbx", "big.csv"]
        process.currentDirectoryURL = ws.url
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once some batches are committed, before it can finish. It runs
        // in short slices and is frozen (SIGSTOP) while the feed is counted, so
        // however slow the count on a busy machine, it cannot finish meanwhile.
        let deadline = Date().addingTimeInterval(300)
        var committed = 0
        while Date() < deadline, process.isRunning {
            kill(process.processIdentifier, SIGSTOP)
            committed = try await CLITests.run(["feed", "--limit", "2001"], in: ws.url).lines.count
            if committed >= 2000 { break }
            kill(process.processIdentifier, SIGCONT)
            try await Task.sleep(for: .milliseconds(50))
        }
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(wasRunning, "the ingest must still be running when killed (it committed \(committed) events)")
        let before = try await CLITests.run(["feed"], in: ws.url).lines.count
        #expect(before < rows)

        // Restart: the interrupted input is recovered from the archive.
        let restart = try await CLITests.run(["ingest"], in: ws.url)
        #expect(restart.status == 0, "\(restart.stderr)")
        #expect(restart.stdout.contains("recovered 1 interrupted input"))
        let feed = try await CLITests.run(["feed"], in: ws.url)
        let sequences = feed.lines.compactMap { line -> Int? in
            guard let r = line.range(of: "\"sequence\":\"") else { return nil }
            return Int(line[r.upperBound...].prefix { $0.isNumber })
        }
        // 30,000 from big.csv (nothing lost, nothing twice) + 3 from the drop folder.
        #expect(sequences.count == rows + 3)
        #expect(sequences == Array(1...(rows + 3)))
        #expect(Set(feed.lines.compactMap { line -> Substring? in
            guard let r = line.range(of: "\"source_id\":\"") else { return nil }
            return line[r.upperBound...].prefix { $0 != "\"" }
        }).count == rows + 3)
    }
}

/// SHA-256 of a file, from the system's sha256sum: an independent check.
enum RawArchiveDigest {
    static func of(_ url: URL) throws -> String {
        let r = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [url.path])
        return String(r.stdout.prefix(64))
    }
}
