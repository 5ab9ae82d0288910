import EmailChannel
import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Logging
import SQLiteStore
import ServiceLifecycle
import Testing

/// The email channel's IMAP source against a real Dovecot: new mail between
/// polls, Chinese mail, after_ingest, a restart resuming at the saved UID, a
/// renumbered folder, a server stopped and started, a wrong password and an
/// untrusted certificate.
@Suite("IMAP source against Dovecot", .enabled(if: DovecotTestServer.isAvailable), .serialized)
struct IMAPSourceTests {
    static func message(_ n: Int, subject: String = "Broadband down", body: String = "No internet since morning") -> Data {
        Data("From: Customer \(n) <customer\(n)@example.cn>\r\nTo: complaints@example.com\r\nSubject: \(subject) \(n)\r\nMessage-ID: <m\(n)@example.cn>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0800\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(body) (\(n))\r\n".utf8)
    }

    /// A GB2312 message with an RFC 2047 subject, as Chinese mail clients send it.
    static func chineseMessage() -> Data {
        var data = Data("From: =?GB2312?B?1cXI/Q==?= <zhangsan@example.cn>\r\nSubject: =?GB2312?B?zaPLrrvYuLQ=?=\r\nMessage-ID: <gb@example.cn>\r\nDate: Thu, 26 Nov 2026 11:00:00 +0800\r\nContent-Type: text/plain; charset=GB2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".utf8)
        data += Data([0xCD, 0xA3, 0xCB, 0xAE, 0xC8, 0xFD, 0xCC, 0xEC, 0x0D, 0x0A])  // 停水三天 in GB2312
        return data
    }

    struct Harness {
        let dir: TemporaryDirectory
        let store: SQLiteComplaintStore
        let archive: RawArchive
        let channels: [ConfiguredChannel]

        init(dovecot: DovecotTestServer, extra: String = "", url: String? = nil, password: String? = nil, trust: Bool = true) throws {
            dir = try TemporaryDirectory("imap-source")
            store = try SQLiteComplaintStore(path: dir.path("c.sqlite"))
            archive = try RawArchive(root: dir.path("archive"))
            setenv("CG_TEST_IMAP_PASSWORD", password ?? dovecot.password, 1)
            let config = """
                [[channel]]
                name = "mailbox"
                type = "email"
                imap = { url = "\(url ?? dovecot.imapsURL + "/INBOX")", user = "\(dovecot.user)", password = { env = "CG_TEST_IMAP_PASSWORD" }\(trust ? ", ca_file = \"\(dovecot.caFile)\"" : "") }
                poll_interval_seconds = 1
                \(extra)
                """
            channels = try TestChannels.load(config, plugins: [EmailPlugin()], baseDirectory: dir.url).channels
        }

        /// Runs the remote-source service while `body` runs, then stops it gracefully.
        func running(_ body: (SourceHealth) async throws -> Void) async throws {
            var logger = Logger(label: "test.imap")
            logger.logLevel = .critical
            let pipeline = IngestPipeline(archive: archive, store: store, dedup: ExactDedupStage(), logger: logger)
            let health = SourceHealth()
            let service = RemoteSourceService(pipeline: pipeline, live: LiveConfiguration(channels: channels), health: health,
                                              notifier: nil, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                do { try await body(health) } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }

        func complaints() async throws -> [FeedEvent] { try await store.feed(after: 0, limit: 10_000) }
    }

    @Test("new mail between polls, Chinese mail, and a restart that resumes at the saved UID")
    func arrivalsAndRestart() async throws {
        let dovecot = try DovecotTestServer()
        let h = try Harness(dovecot: dovecot)
        try dovecot.append(Self.message(1))
        try dovecot.append(Self.chineseMessage())
        try await h.running { _ in
            let ok1 = try await eventually(within: 120) { try await h.complaints().count == 2 }
            #expect(ok1)
            try dovecot.append(Self.message(3))
            let ok2 = try await eventually(within: 120) { try await h.complaints().count == 3 }
            #expect(ok2, "mail appended between polls")
        }
        let events = try await h.complaints().compactMap(\.complaint)
        let chinese = try #require(events.first { $0.subject == "停水回复" || $0.body.contains("停水三天") })
        #expect(chinese.body.contains("停水三天"))
        #expect(chinese.customer.name == "张三")
        #expect(events.allSatisfy { !$0.raw.sha256.isEmpty }, "every message archived raw")

        // Stopped, one more arrives; started again: only the new one is fetched.
        try dovecot.append(Self.message(4))
        try await h.running { _ in
            let ok3 = try await eventually(within: 120) { try await h.complaints().count == 4 }
            #expect(ok3)
        }
        #expect(try await h.complaints().count == 4, "nothing fetched twice into the feed")
        #expect(try await h.store.sourcePosition(h.channels[0].remoteSources[0].key)?.hasSuffix(":4") == true)
    }

    @Test("after_ingest = seen flags each message; move:Processed moves it, after the commit", arguments: ["seen", "move:Processed"])
    func afterIngest(_ action: String) async throws {
        let dovecot = try DovecotTestServer()
        try dovecot.command("CREATE Processed")
        let h = try Harness(dovecot: dovecot, extra: "after_ingest = \"\(action)\"")
        for n in 1...3 { try dovecot.append(Self.message(n)) }
        try await h.running { _ in
            let ok4 = try await eventually(within: 120) { try await h.complaints().count == 3 }
            #expect(ok4)
            if action == "seen" {
                let ok5 = try await eventually(within: 120) { try dovecot.uids("SEEN") == [1, 2, 3] }
                #expect(ok5)
            } else {
                let ok6 = try await eventually(within: 120) { try dovecot.uids(in: "INBOX").isEmpty && dovecot.uids(in: "Processed").count == 3 }
                #expect(ok6)
            }
        }
        if action == "seen" { #expect(try dovecot.uids("UNSEEN").isEmpty) }
    }

    @Test("a renumbered folder (new UIDVALIDITY) is read again without duplicates")
    func uidValidityChange() async throws {
        let dovecot = try DovecotTestServer()
        let h = try Harness(dovecot: dovecot)
        for n in 1...2 { try dovecot.append(Self.message(n)) }
        try await h.running { _ in
            let stored = try await eventually(within: 120) { try await h.complaints().count == 2 }
            #expect(stored)
        }
        try dovecot.renumber(validity: 42)
        try dovecot.append(Self.message(3))
        try await h.running { _ in
            let ok7 = try await eventually(within: 120) { try await h.complaints().count == 3 }
            #expect(ok7)
            let ok8 = try await eventually(within: 120) { try await h.store.sourcePosition(h.channels[0].remoteSources[0].key)?.hasPrefix("42:") == true }
            #expect(ok8)
        }
        #expect(try await h.complaints().count == 3, "the two earlier messages were recognized, not stored again")
    }

    @Test("the server stopped and started again: the failure is reported, then the mail arrives")
    func serverOutage() async throws {
        let dovecot = try DovecotTestServer()
        let h = try Harness(dovecot: dovecot)
        try await h.running { health in
            dovecot.stop()
            let ok9 = try await eventually(within: 120) { health.problems()["mailbox"]?.contains("failing") == true }
            #expect(ok9, "the outage shows on /readyz")
            try dovecot.start()
            try dovecot.append(Self.message(1))
            let ok10 = try await eventually(within: 60) { try await h.complaints().count == 1 }
            #expect(ok10, "backoff retries until it is back")
            let ok11 = try await eventually(within: 120) { health.problems()["mailbox"] == nil }
            #expect(ok11)
        }
    }

    @Test("a wrong password and an untrusted certificate are refused, with the reason", arguments: ["password", "certificate"])
    func refused(_ fault: String) async throws {
        let dovecot = try DovecotTestServer()
        try dovecot.append(Self.message(1))
        let h = fault == "password" ? try Harness(dovecot: dovecot, password: "wrong-password-000")
                                    : try Harness(dovecot: dovecot, trust: false)
        try await h.running { health in
            let ok12 = try await eventually(within: 120) { health.problems()["mailbox"] != nil }
            #expect(ok12)
            let reason = health.problems()["mailbox"] ?? ""
            if fault == "password" {
                #expect(reason.lowercased().contains("login") || reason.lowercased().contains("auth"), "\(reason)")
            } else {
                #expect(reason.lowercased().contains("certificate"), "\(reason)")
            }
        }
        #expect(try await h.complaints().isEmpty, "nothing fetched")
    }

    @Test("imap:// upgrades with STARTTLS and verifies the certificate")
    func startTLS() async throws {
        let dovecot = try DovecotTestServer()
        try dovecot.append(Self.message(1))
        let h = try Harness(dovecot: dovecot, url: dovecot.imapURL + "/INBOX")
        try await h.running { _ in
            let stored = try await eventually(within: 120) { try await h.complaints().count == 1 }
            #expect(stored)
        }
    }

    @Test("a message deleted between SEARCH and FETCH is reported gone, not an error; the next one is fetched")
    func deletedBetweenSearchAndFetch() async throws {
        let dovecot = try DovecotTestServer()
        try dovecot.append(Self.message(1))
        try dovecot.append(Self.message(2))
        let h = try Harness(dovecot: dovecot)
        let source = try #require(h.channels[0].remoteSources.first)
        let items = try await source.pending(after: nil, limit: 10)
        #expect(items.map(\.identifier) == ["1", "2"])
        try dovecot.command("UID STORE 1 +FLAGS (\\Deleted)", folder: "INBOX")
        try dovecot.command("EXPUNGE", folder: "INBOX")
        let gone = try await source.download(items[0])
        #expect(gone == nil)
        let second = try await source.download(items[1])
        #expect(second.map { String(decoding: $0, as: UTF8.self).contains("Broadband down 2") } == true)
    }
}
