import Foundation
import Synchronization
import GatewayCore

/// A real PostgreSQL server for tests.
///
/// The shared one comes from `COMPLAINT_GATEWAY_TEST_POSTGRES_URL` (what
/// `.ci/run` starts with `scripts/postgres-test-server`), or is started once
/// per test process in a temporary folder when PostgreSQL's binaries are
/// installed. Each test works in a schema of its own. Tests that stop and
/// start the server (outages) start a private one with `start(in:)`.
/// PostgreSQL refuses to run as root: as root, its commands run as the
/// `postgres` user.
public final class PostgresTestServer: Sendable {
    public let host: String
    public let port: Int
    public let user: String
    public let database: String
    /// The data folder of a server this process started (nil for an external one).
    public let dataDirectory: URL?

    init(host: String, port: Int, user: String, database: String, dataDirectory: URL?) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.dataDirectory = dataDirectory
    }

    /// Store settings for a schema of this server.
    public func settings(schema: String) -> PostgresSettings {
        PostgresSettings(host: host, port: port, username: user, database: database, schema: schema, tls: .disable, maxConnections: 2)
    }

    /// `postgres://` URL of the server, for `channels.conf`.
    public var url: String { "postgres://\(user)@\(host):\(port)/\(database)?sslmode=disable" }

    /// A schema name unique to this test run.
    public static func uniqueSchema(_ label: String = "t") -> String {
        "\(label)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    // MARK: The shared server

    /// Why the shared server is missing, when it is.
    public static var unavailableReason: String? {
        sharedState.reason
    }

    /// The shared server, or nil when none can be had (see `unavailableReason`).
    /// With `CI` set a missing server is a test failure, not a skip: CI must run
    /// the PostgreSQL suite.
    public static var shared: PostgresTestServer? { sharedState.server }

    /// True when PostgreSQL tests should run.
    public static var isAvailable: Bool { shared != nil }

    /// True when PostgreSQL tests must run (CI).
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    private static let sharedState: (server: PostgresTestServer?, reason: String?) = {
        let env = ProcessInfo.processInfo.environment
        if let text = env["COMPLAINT_GATEWAY_TEST_POSTGRES_URL"] {
            switch PostgresSettings.parse(url: text) {
            case .success(let s):
                return (PostgresTestServer(host: s.host, port: s.port, user: s.username, database: s.database, dataDirectory: nil), nil)
            case .failure(let reason):
                return (nil, "COMPLAINT_GATEWAY_TEST_POSTGRES_URL: \(reason.text)")
            }
        }
        do {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("complaint-gateway-pg-\(getpid())")
            let server = try start(in: folder)
            startedServers.withLock { $0.append(server) }
            atexit { PostgresTestServer.stopStartedServers() }
            return (server, nil)
        } catch {
            return (nil, "no PostgreSQL server: set COMPLAINT_GATEWAY_TEST_POSTGRES_URL or install PostgreSQL (\(error))")
        }
    }()

    private static let startedServers = Mutex<[PostgresTestServer]>([])

    static func stopStartedServers() {
        for server in startedServers.withLock({ $0 }) {
            try? server.stop()
            if let dir = server.dataDirectory { try? FileManager.default.removeItem(at: dir) }
        }
    }

    // MARK: A private server

    struct CommandFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder holding `initdb` and `pg_ctl`.
    static func binaries() throws -> URL {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = root.appendingPathComponent(version).appendingPathComponent("bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        for dir in ["/usr/local/bin", "/usr/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/initdb") {
            return URL(fileURLWithPath: dir)
        }
        throw CommandFailed(description: "initdb not found (install the postgresql package)")
    }

    /// Creates a cluster in `folder` (trust authentication, loopback only, a
    /// free port) and starts it.
    public static func start(in folder: URL) throws -> PostgresTestServer {
        let bin = try binaries()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres", .posixPermissions: 0o700], ofItemAtPath: folder.path)
        }
        try run(bin.appendingPathComponent("initdb"), ["-D", folder.path, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"])
        let server = PostgresTestServer(host: "127.0.0.1", port: try freePort(), user: "postgres", database: "postgres", dataDirectory: folder)
        try server.start()
        return server
    }

    /// Starts the server of `dataDirectory` (again).
    public func start() throws {
        guard let folder = dataDirectory else { throw CommandFailed(description: "not a server this process started") }
        try Self.run(try Self.binaries().appendingPathComponent("pg_ctl"), [
            "-D", folder.path, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "60",
            "-o", "-p \(port) -k \(folder.path) -c listen_addresses=\(host) -c max_connections=500", "start"])
    }

    /// Stops it (fast shutdown: open connections are closed, as in an outage).
    public func stop() throws {
        guard let folder = dataDirectory else { throw CommandFailed(description: "not a server this process started") }
        try Self.run(try Self.binaries().appendingPathComponent("pg_ctl"), ["-D", folder.path, "-m", "fast", "-w", "stop"])
    }

    /// Runs a PostgreSQL command, as `postgres` when we are root, its output
    /// going to a log file.
    ///
    /// posix_spawn and waitpid rather than Foundation's Process: `pg_ctl start`
    /// leaves a daemon behind, and Process's exit monitoring was seen to hang
    /// on it (a zombie never reaped) when run from a test.
    static func run(_ tool: URL, _ arguments: [String]) throws {
        let argv = (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool.path] : [tool.path]) + arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("complaint-gateway-pgctl-\(getpid())-\(UUID().uuidString.prefix(6)).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ)
        guard spawned == 0 else { throw CommandFailed(description: "cannot run \(argv[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exited == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw CommandFailed(description: "\(tool.lastPathComponent) exited \(exited): \(output)")
        }
    }

    /// A TCP port nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CommandFailed(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw CommandFailed(description: "bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw CommandFailed(description: "getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
