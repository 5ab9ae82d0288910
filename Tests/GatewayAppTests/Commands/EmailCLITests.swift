import Foundation
import Testing
import GatewayTestSupport

/// The email channel through the real binary: a Maildir drop folder, mail
/// piped on stdin the way an MTA delivers it, and `parse` on an mbox.
@Suite("email channel CLI")
struct EmailCLITests {
    static let fixtures = RepositoryPaths.root.appendingPathComponent("Plugins/EmailChannel/Tests/Fixtures")

    static func workspace(storage: String = "state/c.sqlite") throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("email-cli")
        for sub in ["Maildir/new", "Maildir/cur", "Maildir/tmp"] {
            try FileManager.default.createDirectory(at: dir.path(sub), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("gbk-reply.eml"), to: dir.path("Maildir/cur/1.M1.host:2,S"))
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("html-only.eml"), to: dir.path("Maildir/new/2.M2.host"))
        // Still being delivered: never read.
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("list.eml"), to: dir.path("Maildir/tmp/3.M3.host"))
        try dir.write("channels.conf", """
            [storage]
            path = "\(storage)"
            [archive]
            path = "state/archive"

            [[channel]]
            name = "mail"
            type = "email"
            drop_folder = "Maildir"
            """)
        return dir
    }

    static func feed(_ ws: TemporaryDirectory) throws -> [[String: Any]] {
        // Complaint events only: a customer's escalation words also put a customer.escalation_risk event in the feed.
        try CLITests.run(["feed"], in: ws.url).lines.compactMap { line in
            let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return (event["type"] as? String)?.hasPrefix("complaint.") == true ? event["data"] as? [String: Any] : nil
        }
    }

    @Test("a Maildir drop folder is ingested once, tmp/ left alone")
    func maildir() throws {
        let ws = try Self.workspace()
        let first = try CLITests.run(["ingest"], in: ws.url)
        #expect(first.status == 0, "\(first.stderr)")
        let complaints = try Self.feed(ws)
        #expect(complaints.count == 2)
        #expect(Set(complaints.compactMap { $0["subject"] as? String }) == ["宽带断线投诉（梁祐晟）", "Broken order"])
        // A second scan finds nothing new.
        let second = try CLITests.run(["ingest"], in: ws.url)
        #expect(second.stdout.contains("ingested 0 inputs"), "\(second.stdout)")
        #expect(try Self.feed(ws).count == 2)
    }

    @Test("mail piped on stdin is stored; the same message again is no new complaint")
    func stdinDelivery() throws {
        let ws = try Self.workspace()
        let message = try Data(contentsOf: Self.fixtures.appendingPathComponent("english-reply.eml"))
        let r = try ProcessRunner.run(CLITests.bin, ["ingest", "--channel", "mail", "-"], in: ws.url, input: message)
        #expect(r.status == 0, "\(r.stderr)")
        let again = try ProcessRunner.run(CLITests.bin, ["ingest", "--channel", "mail", "-"], in: ws.url, input: message)
        #expect(again.status == 0)
        let complaints = try Self.feed(ws)
        #expect(complaints.count == 1)
        #expect((complaints.first?["raw"] as? [String: Any])?["sha256"] != nil)
        // Unparseable input is quarantined, not bounced: exit 0.
        let junk = try ProcessRunner.run(CLITests.bin, ["ingest", "--channel", "mail", "-"], in: ws.url, input: Data("garbage\n".utf8))
        #expect(junk.status == 0, "\(junk.stderr)")
        #expect(try CLITests.run(["quarantine"], in: ws.url).stdout.contains("no header fields"))
    }

    @Test("stdin delivery exits 75 (retry later) when the store cannot be opened")
    func stdinTempFail() throws {
        let ws = try Self.workspace(storage: "blocker/c.sqlite")
        try ws.write("blocker", "a file where the store's folder should be")
        let message = try Data(contentsOf: Self.fixtures.appendingPathComponent("english-reply.eml"))
        let r = try ProcessRunner.run(CLITests.bin, ["ingest", "--channel", "mail", "-"], in: ws.url, input: message)
        #expect(r.status == 75, "\(r.stderr)")
    }

    @Test("parse --type email prints one complaint per mbox message and the quarantined ones")
    func parseMbox() throws {
        let r = try CLITests.run(["parse", "--type", "email", "--set", "max_message_bytes=4096",
                                  Self.fixtures.appendingPathComponent("mailbox.mbox").path], in: RepositoryPaths.root)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.count == 5)
        #expect(r.lines.filter { $0.hasPrefix("{\"quarantined\"") }.count == 2)
        #expect(r.stderr.contains("complaints 3, quarantined 2"))
    }
}

/// `serve` watching a Maildir: a message delivered the Maildir way (written in
/// tmp/, renamed into new/) while serving becomes a complaint.
@Suite("email channel under serve")
struct EmailServeTests {
    @Test("a message delivered into the Maildir while serving is ingested once")
    func maildirWhileServing() async throws {
        let ws = try EmailCLITests.workspace()
        var conf = try String(contentsOf: ws.path("channels.conf"), encoding: .utf8)
        conf = "[server]\nscan_interval_seconds = 1\n" + conf
        try ws.write("channels.conf", conf)
        let (process, _, _) = try ServeCLITests.start(in: ws.url)
        defer { if process.isRunning { process.terminate() } }

        // Half-written deliveries sit in tmp/ and are never read.
        try FileManager.default.copyItem(at: EmailCLITests.fixtures.appendingPathComponent("english-reply.eml"),
                                         to: ws.path("Maildir/tmp/9.M9.host"))
        try FileManager.default.moveItem(at: ws.path("Maildir/tmp/9.M9.host"), to: ws.path("Maildir/new/9.M9.host"))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-10)],
                                              ofItemAtPath: ws.path("Maildir/new/9.M9.host").path)
        var subjects: [String] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && subjects.count < 3 {
            try await Task.sleep(for: .milliseconds(300))
            subjects = try EmailCLITests.feed(ws).compactMap { $0["subject"] as? String }
        }
        #expect(subjects.contains("Re: Card blocked again"))
        // The two messages there before start are taken too (once settled); list.eml in tmp/ is not.
        #expect(subjects.count == 3, "\(subjects)")
        #expect(!subjects.contains("Weekly digest"))
        kill(process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(15)
        while process.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(process.terminationStatus == 0)
    }
}
