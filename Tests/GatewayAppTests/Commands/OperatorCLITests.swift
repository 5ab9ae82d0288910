import Foundation
import Testing
import GatewayTestSupport

/// The commands an operator runs day to day: honest exit codes, warnings for
/// folders that cannot be scanned, quarantine as JSON with digests `replay`
/// takes back, the effective configuration, section keys, new token secrets.
@Suite("complaint-gateway for operators")
struct OperatorCLITests {
    static func run(_ args: [String], in dir: URL) async throws -> ProcessResult {
        try await ProcessRunner.run(ProcessRunner.gatewayExecutable, args, in: dir)
    }

    @Test("a missing drop folder: check warns (exit 0), ingest names it and exits 66 instead of \"0 inputs\"")
    func missingDropFolder() async throws {
        let dir = try CLITests.workspace()
        try FileManager.default.removeItem(at: dir.path("drop/pbx"))
        let check = try await Self.run(["check"], in: dir.url)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("warning: channel \"pbx\" drop_folder"), "\(check.stderr)")
        #expect(check.stderr.contains("drop/pbx does not exist"), "\(check.stderr)")
        let ingest = try await Self.run(["ingest"], in: dir.url)
        #expect(ingest.status == 66, "\(ingest.stdout)\(ingest.stderr)")
        #expect(ingest.stderr.contains("drop/pbx does not exist"))
        #expect(!ingest.stdout.contains("nothing to ingest"))
    }

    @Test("ingest exits 1 when an input is quarantined whole, and says why")
    func wholeInputQuarantined() async throws {
        let dir = try CLITests.workspace()
        // Asterisk rows given to the mapped channel: its header lacks the mapped columns.
        let r = try await Self.run(["ingest", "--channel", "callcentre", "drop/pbx/Master.csv"], in: dir.url)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("Master.csv quarantined"), "\(r.stderr)")
        let good = try await Self.run(["ingest", "--channel", "callcentre", "export.csv"], in: dir.url)
        #expect(good.status == 0, "\(good.stderr)")
    }

    @Test("quarantine --json gives full digests; replay --raw takes the printed prefix, with or without its ellipsis")
    func quarantineJSONAndReplayPrefix() async throws {
        let dir = try CLITests.workspace()
        _ = try await Self.run(["ingest", "--channel", "callcentre", "drop/pbx/Master.csv"], in: dir.url)
        let listed = try await Self.run(["quarantine", "--json"], in: dir.url)
        #expect(listed.status == 0)
        let entries = listed.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let entry = try #require(entries.first, "\(listed.stdout)")
        let digest = try #require(entry["raw_sha256"] as? String)
        #expect(digest.count == 64 && digest.allSatisfy(\.isHexDigit))
        #expect(entry["channel"] as? String == "callcentre")
        #expect((entry["reason"] as? String)?.isEmpty == false)

        let text = try await Self.run(["quarantine"], in: dir.url)
        let printed = try #require(text.stdout.split(separator: " ").first { $0.hasSuffix("…") }.map(String.init), "\(text.stdout)")
        for raw in [printed, String(printed.dropLast()), String(digest.prefix(8)), digest] {
            let replay = try await Self.run(["replay", "--raw", raw, "--dry-run"], in: dir.url)
            #expect(replay.status == 0, "\(raw): \(replay.stderr)")
            #expect(replay.stdout.contains("1 input"), "\(raw): \(replay.stdout)")
        }
        let unknown = try await Self.run(["replay", "--raw", "000000000", "--dry-run"], in: dir.url)
        #expect(unknown.status == 64, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("no archived input"), "\(unknown.stderr)")
        let short = try await Self.run(["replay", "--raw", "abc"], in: dir.url)
        #expect(short.status == 64)
    }

    @Test("config show: every key, defaults marked, paths resolved, secrets as their source; an invalid file exits 78")
    func configShow() async throws {
        let dir = try CLITests.workspace()
        setenv("CG_OPERATOR_TEST_TOKEN", "operator-token-0123456789abcdef", 1)
        let conf = try String(contentsOf: dir.path("channels.conf"), encoding: .utf8)
        try dir.write("channels.conf", conf + """

            [[token]]
            name = "reader"
            secret = { env = "CG_OPERATOR_TEST_TOKEN" }
            scopes = ["feed:read"]
            """)
        let r = try await Self.run(["config", "show"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("scan_interval_seconds = 5  # default"))
        #expect(r.stdout.contains("path = \"state/c.sqlite\"  # \(dir.url.resolvingSymlinksInPath().path)/state/c.sqlite")
                || r.stdout.contains("path = \"state/c.sqlite\"  # \(dir.url.path)/state/c.sqlite"), "\(r.stdout)")
        #expect(r.stdout.contains("secret = { env = \"CG_OPERATOR_TEST_TOKEN\" }"))
        #expect(!r.stdout.contains("operator-token-0123456789abcdef"), "never the secret itself")
        #expect(r.stdout.contains("encoding = \"gbk\""))
        #expect(r.stdout.contains("delimiter = \",\"  # default"))
        try dir.write("channels.conf", conf + "\n[server]\nlisten = 80\n")
        let bad = try await Self.run(["config", "show"], in: dir.url)
        #expect(bad.status == 78)
        #expect(bad.stdout.isEmpty)
    }

    @Test("channels lists the keys of every section; token new prints a 256-bit secret the loader accepts")
    func channelsAndTokens() async throws {
        let dir = try CLITests.workspace()
        let channels = try await Self.run(["channels"], in: dir.url)
        for section in ["[server]", "[storage]", "[archive]", "[dedup]", "[[token]]", "[[sink]]"] {
            #expect(channels.stdout.contains("  \(section)\n"), "\(section)")
        }
        #expect(channels.stdout.contains("trusted_proxies"))
        var secrets = Set<String>()
        for _ in 0..<3 {
            let r = try await Self.run(["token", "new", "--name", "ops", "--scopes", "admin", "pii"], in: dir.url)
            #expect(r.status == 0)
            let secret = try #require(r.lines.first)
            #expect(secret.count == 43 && secret.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "\(secret)")
            secrets.insert(secret)
            #expect(r.stderr.contains("secret = { env = \"COMPLAINT_GATEWAY_TOKEN_OPS\" }"))
            #expect(r.stderr.contains("scopes = [\"admin\", \"pii\"]"))
        }
        #expect(secrets.count == 3)
        let unknown = try await Self.run(["token", "new", "--scopes", "root"], in: dir.url)
        #expect(unknown.status == 64)
    }

    @Test("parse takes the global options like every command")
    func parseGlobalOptions() async throws {
        let dir = try CLITests.workspace()
        let r = try await Self.run(["parse", "--log-level", "error", "--config", "channels.conf", "--type", "call_log",
                                    "--set", "format=asterisk", "--set", "match_queues=[\"complaints\"]", "drop/pbx/Master.csv"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.lines.isEmpty)
    }
}

/// `check --connect` logs in to each IMAP folder, as an admin's "test
/// connection" button would.
@Suite("check --connect against Dovecot", .enabled(if: DovecotTestServer.isAvailable))
struct CheckConnectCLITests {
    @Test("folder counts when the login works; exit 1 with the reason when it does not")
    func connect() async throws {
        let dovecot = try DovecotTestServer()
        try dovecot.append(Data("Subject: one\r\n\r\nbody\r\n".utf8))
        try dovecot.append(Data("Subject: two\r\n\r\nbody\r\n".utf8))
        let dir = try TemporaryDirectory("check-connect")
        func conf(_ variable: String) -> String {
            """
            [storage]
            path = "state/c.sqlite"
            [[channel]]
            name = "mailbox"
            type = "email"
            imap = { url = "\(dovecot.imapsURL)/INBOX", user = "\(dovecot.user)", password = { env = "\(variable)" }, ca_file = "\(dovecot.caFile)" }
            """
        }
        setenv("CG_CHECK_GOOD_PASSWORD", dovecot.password, 1)
        setenv("CG_CHECK_BAD_PASSWORD", "not-the-password", 1)
        _ = try dir.write("channels.conf", conf("CG_CHECK_GOOD_PASSWORD"))
        let good = try await ProcessRunner.run(ProcessRunner.gatewayExecutable, ["check", "--connect"], in: dir.url)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("mailbox \(dovecot.imapsURL)/INBOX: INBOX: 2 messages,"), "\(good.stdout)")
        _ = try dir.write("channels.conf", conf("CG_CHECK_BAD_PASSWORD"))
        let bad = try await ProcessRunner.run(ProcessRunner.gatewayExecutable, ["check", "--connect"], in: dir.url)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("cannot connect"), "\(bad.stdout)")
        #expect(!bad.stdout.contains("not-the-password"))
    }
}
