import EmailChannel
import Foundation
import GatewayCore
import GatewayTestSupport
import Synchronization
import Testing

/// The IMAP source against a hostile IMAP server on loopback (a raw socket
/// speaking just enough IMAP for libcurl): a server that offers no STARTTLS
/// never gets the password unless the admin allowed clear text, and absurd
/// STATUS numbers cannot make a round send SEARCH after SEARCH.
@Suite("IMAP source against a hostile server")
struct HostileIMAPTests {
    /// What the fake server saw.
    final class Seen: Sendable {
        let commands = Mutex<[String]>([])
        func add(_ line: String) { commands.withLock { $0.append(line) } }
        func count(_ verb: String) -> Int { commands.withLock { $0.filter { $0.uppercased().contains(verb) }.count } }
    }

    /// A server with no STARTTLS whose STATUS answer is `status`.
    static func server(seen: Seen, status: String) throws -> LoopbackServer {
        try LoopbackServer { connection in
            guard connection.write("* OK [CAPABILITY IMAP4rev1] hostile ready\r\n") else { return }
            while let line = connection.read(until: "\r\n") {
                seen.add(line.trimmingCharacters(in: .whitespacesAndNewlines))
                let parts = line.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2 else { break }
                let tag = parts[0], verb = parts[1].uppercased().trimmingCharacters(in: .whitespacesAndNewlines)
                var answer = ""
                switch verb {
                case "CAPABILITY": answer = "* CAPABILITY IMAP4rev1\r\n"
                case "SELECT", "EXAMINE": answer = "* 0 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n* OK [UIDNEXT 1] ok\r\n"
                case "STATUS": answer = "* STATUS INBOX (\(status))\r\n"
                case "UID": answer = "* SEARCH\r\n"
                case "LOGOUT": answer = "* BYE\r\n"
                default: break
                }
                guard connection.write(answer + "\(tag) OK done\r\n"), verb != "LOGOUT" else { break }
            }
            connection.close()
        }
    }

    static func source(_ server: LoopbackServer, extra: String = "") throws -> any RemoteSource {
        setenv("CG_TEST_HOSTILE_IMAP_PASSWORD", "s3cret-password", 1)
        let config = """
            [[channel]]
            name = "mailbox"
            type = "email"
            imap = { url = "imap://127.0.0.1:\(server.port)/INBOX", user = "complaints", password = { env = "CG_TEST_HOSTILE_IMAP_PASSWORD" }, timeout_seconds = 10\(extra) }
            """
        let dir = try TemporaryDirectory("hostile-imap")
        return try #require(try TestChannels.load(config, plugins: [EmailPlugin()], baseDirectory: dir.url).channels.first?.remoteSources.first)
    }

    @Test("no STARTTLS offered: the login is not sent, and the error says what to do")
    func refusesClearTextLogin() async throws {
        let seen = Seen()
        let server = try Self.server(seen: seen, status: "UIDVALIDITY 1 UIDNEXT 1")
        defer { server.stop() }
        let source = try Self.source(server)
        do {
            _ = try await source.pending(after: nil, limit: 10)
            Issue.record("listed a folder without TLS")
        } catch {
            #expect("\(error)".contains("STARTTLS") && "\(error)".contains("allow_insecure_login"), "\(error)")
        }
        #expect(seen.count("LOGIN") == 0 && seen.count("AUTHENTICATE") == 0, "\(seen.commands.withLock { $0 })")
        #expect(!seen.commands.withLock { $0 }.joined().contains("s3cret-password"))
        #expect(source.securityWarnings.isEmpty)
    }

    @Test("allow_insecure_login = true: the login is sent in clear text, and check is told")
    func insecureLoginWhenAllowed() async throws {
        let seen = Seen()
        let server = try Self.server(seen: seen, status: "UIDVALIDITY 1 UIDNEXT 1")
        defer { server.stop() }
        let source = try Self.source(server, extra: ", allow_insecure_login = true")
        _ = try await source.pending(after: nil, limit: 10)
        #expect(seen.count("LOGIN") == 1)
        #expect(source.securityWarnings.first?.contains("clear text") == true)
    }

    @Test("UIDNEXT past 32 bits: a protocol error, not a search without end")
    func absurdUIDNext() async throws {
        let seen = Seen()
        let server = try Self.server(seen: seen, status: "UIDVALIDITY 1 UIDNEXT 18446744073709551000")
        defer { server.stop() }
        let source = try Self.source(server, extra: ", allow_insecure_login = true")
        do {
            _ = try await source.pending(after: nil, limit: 100)
            Issue.record("an absurd UIDNEXT was accepted")
        } catch {
            #expect("\(error)".contains("UIDNEXT"), "\(error)")
        }
        #expect(seen.count("SEARCH") == 0)
    }

    @Test("the largest valid UIDNEXT on an empty folder: a bounded number of SEARCHes per round")
    func largeUIDNextBounded() async throws {
        let seen = Seen()
        let server = try Self.server(seen: seen, status: "UIDVALIDITY 1 UIDNEXT 4294967295")
        defer { server.stop() }
        let source = try Self.source(server, extra: ", allow_insecure_login = true")
        let items = try await source.pending(after: nil, limit: 100)
        #expect(items.isEmpty)
        let searches = seen.count("SEARCH")
        #expect(searches >= 1 && searches <= 17, "\(searches) SEARCH commands in one round")
    }
}
