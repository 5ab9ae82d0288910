import Foundation
import Testing
import GatewayTestSupport

/// What an admin meets on the first day in production (issue 43): the
/// README's own command lines, secrets only `serve` needs, `check` saying what
/// it read.
@Suite("the first day: documented commands, secrets, check")
struct FirstDayCLITests {
    /// The Postfix alias line as the README writes it, with the binary and the
    /// file of this test run in place of the installed ones.
    static func readmePostfixArguments(config: String) throws -> [String] {
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let range = try #require(readme.range(of: #""\|/usr/local/bin/complaint-gateway ([^"]+)""#, options: .regularExpression),
                                 "the README's Postfix line is gone")
        let line = readme[range].dropFirst(2).dropLast()
        var words = line.split(separator: " ").map(String.init).dropFirst()
        let at = try #require(words.firstIndex(of: "/etc/complaint-gateway/channels.conf"))
        words[at] = config
        return Array(words)
    }

    @Test("the README's Postfix pipe line, global options first, takes a message on stdin (exit 0, stored once)")
    func readmePostfixLine() async throws {
        let ws = try EmailCLITests.workspace()
        let arguments = try Self.readmePostfixArguments(config: ws.path("channels.conf").path)
        #expect(arguments.first == "--config", "\(arguments)")
        let message = try Data(contentsOf: EmailCLITests.fixtures.appendingPathComponent("english-reply.eml"))
        // Run from elsewhere: Postfix's working directory is not the config's.
        let r = try await ProcessRunner.run(CLITests.bin, arguments, in: FileManager.default.temporaryDirectory, input: message)
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        #expect(try EmailCLITests.feed(ws).count == 1)
    }

    @Test("global options are read before any command, nested ones too, with = or a separate value")
    func globalOptionsFirst() async throws {
        let ws = try CLITests.workspace()
        let config = ws.path("channels.conf").path
        for arguments in [["--config", config, "check"], ["--config=\(config)", "--log-level", "error", "check"],
                          ["--log-level=error", "--config", config, "config", "show"], ["--config", config, "archive", "stats"]] {
            let r = try await ProcessRunner.run(CLITests.bin, arguments, in: FileManager.default.temporaryDirectory)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
        }
        let unknown = try await ProcessRunner.run(CLITests.bin, ["--nosuch", "check"], in: ws.url)
        #expect(unknown.status == 64, "\(unknown.stderr)")
    }

    static let tokenConfig = """
        [storage]
        path = "state/c.sqlite"
        [archive]
        path = "state/archive"

        [[token]]
        name = "console"
        secret = { env = "COMPLAINT_GATEWAY_TEST_UNSET_CONSOLE_TOKEN" }
        scopes = ["admin"]

        [[sink]]
        name = "hook"
        type = "webhook"
        url = "https://hooks.example.com/in"
        secret = { env = "COMPLAINT_GATEWAY_TEST_UNSET_HOOK_KEY" }

        [[channel]]
        name = "web"
        type = "web_form"
        signature_secret = { env = "COMPLAINT_GATEWAY_TEST_UNSET_FORM_KEY" }
        [channel.fields]
        email = { to = "customer.email", required = true }
        message = { to = "body" }
        """

    @Test("a token, webhook or form secret missing from the environment stops only serve; check warns and names each")
    func servingSecretsDeferred() async throws {
        let ws = try TemporaryDirectory("first-day")
        _ = try ws.write("channels.conf", Self.tokenConfig)
        for arguments in [["feed"], ["quarantine"], ["config", "show"], ["archive", "stats"], ["clusters"]] {
            let r = try await CLITests.run(arguments, in: ws.url)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
        }
        let check = try await CLITests.run(["check"], in: ws.url)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("1 token; 1 sink (hook webhook); store sqlite "), "\(check.stdout)")
        for variable in ["COMPLAINT_GATEWAY_TEST_UNSET_CONSOLE_TOKEN", "COMPLAINT_GATEWAY_TEST_UNSET_HOOK_KEY", "COMPLAINT_GATEWAY_TEST_UNSET_FORM_KEY"] {
            #expect(check.stderr.contains("warning: ") && check.stderr.contains(variable), "\(variable): \(check.stderr)")
        }
        let serve = try await CLITests.run(["serve", "--listen", "127.0.0.1:0"], in: ws.url)
        #expect(serve.status == 78, "\(serve.stderr)")
        #expect(serve.stderr.contains("COMPLAINT_GATEWAY_TEST_UNSET_CONSOLE_TOKEN is not set"), "\(serve.stderr)")
    }

    @Test("check's OK line names the channels, tokens, sinks and the store")
    func checkSummary() async throws {
        let r = try await CLITests.run(["check"], in: RepositoryPaths.root)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("OK, 5 channels: "), "\(r.stdout)")
        #expect(r.stdout.contains("; 0 tokens; 0 sinks; store sqlite "), "\(r.stdout)")
    }
}
