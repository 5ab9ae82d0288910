import Foundation
import Testing
import GatewayTestSupport

/// The operator console in a real browser: Chromium from the distribution,
/// driven by Playwright for Python (`Browser/console_browser.py`), against
/// a real `serve`. Sign in with a token, see a channel's count follow a form
/// post, open a quarantined input, dry-run and replay it after a reload from
/// the console, watch an incident reach yellow while complaints arrive.
@Suite("console in a browser")
struct ConsoleBrowserTests {
    static let token = "console-admin-token-0123456789abcdef"
    static let config = """
        [storage]
        path = "state/c.sqlite"
        [archive]
        path = "state/archive"

        [incidents]
        levels = [{ name = "yellow", customers = 5, minutes = 60 }, { name = "red", customers = 50, minutes = 30 }]

        [[token]]
        name = "console"
        secret = { env = "CG_CONSOLE_TEST_TOKEN" }
        scopes = ["admin"]

        [[channel]]
        name = "web"
        type = "web_form"
        honeypot = "website"
        [channel.fields]
        name    = { to = "customer.name" }
        email   = { to = "customer.email", required = true }
        topic   = { type = "choice", choices = ["billing", "outage", "service"], required = true }
        message = { to = "body" }
        """

    /// The browser: `CHROMIUM` when set, else the distribution's.
    static var chromium: URL? {
        let candidates = [ProcessInfo.processInfo.environment["CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"].compactMap { $0 }
        return candidates.map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Outside CI a machine without Chromium or Playwright skips the test
    /// with its reason (scripts/test installs both and names what it
    /// skipped); in CI (`CI` set) it runs, and fails on what is missing.
    static let canRun: Bool = {
        if ProcessInfo.processInfo.environment["CI"].map({ !$0.isEmpty && $0 != "false" }) == true { return true }
        guard chromium != nil, let python = JSONSchemaValidator.python3 else { return false }
        let probe = Process()
        probe.executableURL = python
        probe.arguments = ["-c", "import playwright.sync_api"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    @Test("sign in, counts, quarantine dry run and replay, an incident reaching yellow, Chinese labels", .timeLimit(.minutes(10)),
          .enabled(if: canRun, "needs Chromium and Playwright for Python: run scripts/test, which installs them"))
    func console() async throws {
        let python = try #require(JSONSchemaValidator.python3, "python3 not found")
        let chromium = try #require(Self.chromium, "Chromium not found: apt-get install chromium (as .ci/run does), or set CHROMIUM")
        let playwright = try await ProcessRunner.run(python, ["-c", "import playwright.sync_api"])
        try #require(playwright.status == 0, "Playwright for Python missing: python3 -m pip install playwright (as .ci/run does)")

        setenv("CG_CONSOLE_TEST_TOKEN", Self.token, 1)
        let dir = try TemporaryDirectory("console-browser")
        let config = try dir.write("channels.conf", Self.config)
        let (process, port, _) = try ServeCLITests.start(in: dir.url)
        defer { if process.isRunning { process.terminate() } }

        let script = RepositoryPaths.root.appendingPathComponent("Tests/GatewayAppTests/Browser/console_browser.py")
        var environment = ["BASE_URL": "http://127.0.0.1:\(port)", "ADMIN_TOKEN": Self.token, "CONFIG": config.path,
                           "CHROMIUM": chromium.path]
        // scripts/console-screenshots sets it to refresh the README's pictures.
        if let shots = ProcessInfo.processInfo.environment["CONSOLE_SCREENSHOT_DIR"] { environment["SCREENSHOT_DIR"] = shots }
        let run = try await ProcessRunner.run(python, [script.path], environment: environment)
        #expect(run.status == 0, "console_browser.py failed (\(run.status)):\n\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("console_browser: ok"))
        try await ServeOperationsCLITests.stop(process)
    }
}
