import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real Dovecot IMAP server for one test: its own folder, config, passdb
/// file, Maildir storage, loopback ports for IMAP (STARTTLS) and IMAPS, and
/// a self-signed certificate the test trusts explicitly (`caFile`).
/// `.ci/run` installs dovecot-imapd; the server runs in the foreground as the
/// test's child and stops with `stop()`.
public final class DovecotTestServer: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start()/stop(), which a test
    // calls from one task; everything else is immutable.
    public static let binary = "/usr/sbin/dovecot"
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    public let dir: TemporaryDirectory
    public let user = "complaints"
    public let password = "mailbox-secret-0123"
    public let imapPort: Int
    public let imapsPort: Int
    public var caFile: String { dir.path("cert.pem").path }
    var configFile: URL { dir.path("dovecot.conf") }
    private var process: Process?

    public init() throws {
        dir = try TemporaryDirectory("dovecot")
        imapPort = try Self.freePort()
        imapsPort = try Self.freePort()
        for folder in ["run", "mail", "home"] {
            try FileManager.default.createDirectory(at: dir.path(folder), withIntermediateDirectories: true)
        }
        let cert = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/openssl"), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.path("key.pem").path, "-out", dir.path("cert.pem").path,
            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        guard cert.status == 0 else { throw Failure("openssl: \(cert.stderr)") }
        _ = try dir.write("passwd", "\(user):{PLAIN}\(password)\n")
        // Dovecot refuses uid 0 for mail: as root (CI), mail belongs to its own user.
        let owner = getuid() == 0 ? "uid=dovecot gid=dovecot" : "uid=\(getuid()) gid=\(getgid())"
        let root = dir.url.path
        _ = try dir.write("dovecot.conf", """
            base_dir = \(root)/run
            log_path = \(root)/dovecot.log
            protocols = imap
            first_valid_uid = 1
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <\(root)/cert.pem
            ssl_key = <\(root)/key.pem
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:\(root)/mail/%u
            default_login_user = \(getuid() == 0 ? "dovecot" : String(cString: getpwuid(getuid()).pointee.pw_name))
            default_internal_user = \(getuid() == 0 ? "dovecot" : String(cString: getpwuid(getuid()).pointee.pw_name))
            passdb {
              driver = passwd-file
              args = scheme=PLAIN \(root)/passwd
            }
            userdb {
              driver = static
              args = \(owner) home=\(root)/home/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                port = \(imapPort)
              }
              inet_listener imaps {
                port = \(imapsPort)
              }
            }
            service anvil {
              chroot =
            }
            """)
        if getuid() == 0 {
            for folder in ["mail", "home"] { _ = try ProcessRunner.run(URL(fileURLWithPath: "/bin/chown"), ["-R", "dovecot:dovecot", dir.path(folder).path]) }
        }
        try start()
    }

    deinit { stop() }

    /// Starts the server and returns once both ports accept connections.
    public func start() throws {
        try? FileManager.default.removeItem(at: dir.path("run"))
        try FileManager.default.createDirectory(at: dir.path("run"), withIntermediateDirectories: true)
        let process = Process()
        // Through python3, which clears the signal mask and dispositions the test
        // runner's thread would pass on: a dovecot master started with SIGTERM
        // and SIGCHLD blocked never reaped its children nor stopped.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD, signal.SIGPIPE):
                signal.signal(s, signal.SIG_DFL)
            os.execv(sys.argv[1], sys.argv[1:])
            """, Self.binary, "-F", "-c", configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Ready means a login works, not only that the ports are open: on a busy
        // machine the auth process comes up later, and a client that logs in
        // before it is refused ("auth service reported temporary failure").
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if Self.accepts(imapPort) && Self.accepts(imapsPort), (try? command("STATUS INBOX (MESSAGES)")) != nil { return }
            guard process.isRunning else { break }
            usleep(100_000)
        }
        let log = (try? String(contentsOf: dir.path("dovecot.log"), encoding: .utf8)) ?? ""
        throw Failure("dovecot did not start: \(log.suffix(2000))")
    }

    /// Stops the server and waits until it has exited and its ports are closed.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        let killBy = Date().addingTimeInterval(20)
        while process.isRunning && Date() < killBy { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && (Self.accepts(imapPort) || Self.accepts(imapsPort)) { usleep(50_000) }
    }

    public var imapsURL: String { "imaps://127.0.0.1:\(imapsPort)" }
    public var imapURL: String { "imap://127.0.0.1:\(imapPort)" }

    /// Runs an IMAP command with the curl tool (a client other than the one under test).
    @discardableResult
    public func command(_ command: String, folder: String = "") throws -> String {
        let r = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/curl"),
                                      ["-sS", "--cacert", caFile, "-u", "\(user):\(password)", "-X", command, "\(imapsURL)/\(folder)"])
        guard r.status == 0 else { throw Failure("curl \(command): \(r.stderr)") }
        return r.stdout
    }

    /// APPENDs a raw message to `folder` over IMAP.
    public func append(_ message: Data, to folder: String = "INBOX") throws {
        // curl needs the size for an APPEND: from a file, not standard input.
        let file = dir.path("append-\(UUID().uuidString).eml")
        try message.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/curl"),
                                      ["-sS", "--cacert", caFile, "-u", "\(user):\(password)", "-T", file.path, "\(imapsURL)/\(folder)"])
        guard r.status == 0 else { throw Failure("append: \(r.stderr)") }
    }

    /// UIDs in `folder` matching an IMAP search (`ALL`, `SEEN`).
    public func uids(_ criteria: String = "ALL", in folder: String = "INBOX") throws -> [Int] {
        try command("UID SEARCH \(criteria)", folder: folder).split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("* SEARCH") }.flatMap { $0.dropFirst(8).split(separator: " ").compactMap { Int($0) } }
    }

    /// Gives `folder` a new UIDVALIDITY (what a server restore or migration does).
    public func renumber(_ folder: String = "INBOX", validity: Int) throws {
        let r = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/doveadm"),
                                      ["-c", configFile.path, "mailbox", "update", "-u", user, "--uid-validity", String(validity), folder])
        guard r.status == 0 else { throw Failure("doveadm: \(r.stderr)") }
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure("no free port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }
}
