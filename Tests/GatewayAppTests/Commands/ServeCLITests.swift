import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import GatewayTestSupport

/// `complaint-gateway serve` as a real process: it listens, takes a form post
/// and a dropped file, and exits 0 on SIGTERM with everything committed.
@Suite("complaint-gateway serve")
struct ServeCLITests {
    /// Starts `serve` and returns the process and its port (from the "listening on" line).
    static func start(in dir: URL, logLevel: String = "warning") throws -> (Process, Int, Pipe) {
        let process = Process()
        process.executableURL = ProcessRunner.gatewayExecutable
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--log-level", logLevel]
        process.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)
        let fd = out.fileHandleForReading.fileDescriptor
        var bytes = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            // read(2) directly: FileHandle.availableData traps on EINTR, which the
            // SIGCHLD of other tests' child processes causes.
            let n = Glibc.read(fd, &bytes, bytes.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            buffer += bytes[0..<n]
            if let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
               let port = Int(line.split(separator: ":").last ?? "") {
                return (process, port, err)
            }
        }
        process.terminate()
        process.waitUntilExit()
        // What serve said before it ended, so a failure explains itself.
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        throw ServeError("serve did not report its port (exit \(process.terminationStatus)): \(said)")
    }

    struct ServeError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    static func post(_ url: URL, _ body: String) async throws -> (Int, String) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("serve takes a post and a dropped file, then stops cleanly on SIGTERM")
    func serve() async throws {
        let dir = try TemporaryDirectory("serve")
        try FileManager.default.createDirectory(at: dir.path("drop"), withIntermediateDirectories: true)
        try dir.write("channels.conf", """
            [server]
            scan_interval_seconds = 1
            [storage]
            path = "state/c.sqlite"
            [archive]
            path = "state/archive"

            [[channel]]
            name = "pbx"
            type = "call_log"
            format = "asterisk"
            match_queues = ["complaints"]
            drop_folder = "drop"

            [[channel]]
            name = "web"
            type = "web_form"
            [channel.fields]
            email = { to = "customer.email", required = true }
            message = { to = "body" }
            """)
        let (process, port, _) = try Self.start(in: dir.url)
        defer { if process.isRunning { process.terminate() } }
        let base = URL(string: "http://127.0.0.1:\(port)")!

        let (status, body) = try await Self.post(base.appendingPathComponent("v1/forms/web"), "email=a%40b.cn&message=%E7%BD%91%E7%AB%99%E6%8A%95%E8%AF%89")
        #expect(status == 202, "\(body)")

        // A file dropped while serving (written under .part, then renamed, as documented).
        let fixture = RepositoryPaths.root.appendingPathComponent("Plugins/CallLogChannel/Tests/Fixtures/asterisk-master.csv")
        try FileManager.default.copyItem(at: fixture, to: dir.path("drop/calls.csv.part"))
        try FileManager.default.moveItem(at: dir.path("drop/calls.csv.part"), to: dir.path("drop/calls.csv"))
        // Back-date it past the settle time so the next scan takes it.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-10)], ofItemAtPath: dir.path("drop/calls.csv").path)

        var pbxEvents = 0
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && pbxEvents == 0 {
            try await Task.sleep(for: .milliseconds(300))
            let feed = try await ProcessRunner.run(ProcessRunner.gatewayExecutable, ["feed"], in: dir.url)
            pbxEvents = feed.lines.filter { $0.contains(#""source":"pbx""#) || $0.contains(#""name":"pbx""#) }.count
        }
        #expect(pbxEvents > 0, "the dropped file was ingested while serving")

        kill(process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(60)
        while process.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "serve stops on SIGTERM")
        #expect(process.terminationStatus == 0)

        let feed = try await ProcessRunner.run(ProcessRunner.gatewayExecutable, ["feed"], in: dir.url)
        let web = feed.lines.filter { $0.contains("网站投诉") }
        #expect(web.count == 1)
    }

    /// A blocking loopback TCP client, so a request can be left half-sent.
    final class RawConnection {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard rc == 0 else { throw ServeError("connect failed: \(errno)") }
        }

        deinit { close(fd) }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        }

        /// What arrives until `marker` has been read, the server closes, or
        /// `deadline` seconds pass; and whether the server closed.
        func read(until marker: String?, deadline seconds: Double) -> (text: String, closed: Bool) {
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, 200)
                if ready < 0 && errno == EINTR { continue }
                if ready <= 0 { continue }
                let n = recv(fd, &buffer, buffer.count, 0)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return (String(decoding: out, as: UTF8.self), true) }
                out += buffer[0..<n]
                if let marker, String(decoding: out, as: UTF8.self).contains(marker) { break }
            }
            return (String(decoding: out, as: UTF8.self), false)
        }

        func readToClose(deadline seconds: Double) -> (text: String, closed: Bool) {
            read(until: nil, deadline: seconds)
        }

        /// Everything until the server closes the connection.
        func readAll() -> String {
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                out += buffer[0..<n]
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    @Test("SIGTERM lets a post that is in flight finish and commit")
    func gracefulShutdown() async throws {
        let dir = try TemporaryDirectory("serve-stop")
        // The half-sent post must outlive a slow start on a loaded machine: the
        // timeouts are tested elsewhere, this test is about SIGTERM.
        try dir.write("channels.conf", """
            [server]
            idle_timeout_seconds = 300
            body_timeout_seconds = 300
            [storage]
            path = "state/c.sqlite"
            [archive]
            path = "state/archive"
            [[channel]]
            name = "web"
            type = "web_form"
            [channel.fields]
            message = { to = "body" }
            """)
        let (process, port, _) = try Self.start(in: dir.url)
        defer { if process.isRunning { process.terminate() } }
        let body = "message=still+in+flight+at+SIGTERM"
        let connection = try RawConnection(port: port)
        connection.send("POST /v1/forms/web HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n" + String(body.prefix(10)))
        // SIGTERM only once the server has the request in hand (its in-flight
        // gauge says so): a fixed sleep raced the server on a busy machine.
        // Generous: on a loaded machine the first probes queue behind everything else.
        let inFlightBy = Date().addingTimeInterval(180)
        var seen = false
        while !seen && Date() < inFlightBy {
            let probe = try RawConnection(port: port)
            probe.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            seen = probe.readAll().split(separator: "\n").contains {
                $0.hasPrefix("complaint_gateway_form_posts_in_flight") && $0.contains("web")
                    && Double($0.split(separator: " ").last ?? "") == 1
            }
            if !seen { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(seen, "the post reached the server")
        kill(process.processIdentifier, SIGTERM)
        // The rest of the body after the signal: a 202 proves serve waited for it.
        connection.send(String(body.dropFirst(10)))
        let response = connection.readAll()
        #expect(response.hasPrefix("HTTP/1.1 202"), "\(response)")
        let stopBy = Date().addingTimeInterval(60)
        while process.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        let feed = try await ProcessRunner.run(ProcessRunner.gatewayExecutable, ["feed"], in: dir.url)
        #expect(feed.lines.filter { $0.contains("still in flight at SIGTERM") }.count == 1)
    }

    @Test("parse reads a saved form body with the channel's field mapping")
    func parseSavedBody() throws {
        let dir = try TemporaryDirectory("parse-form")
        let file = try dir.write("post.txt", "email=Li%40Example.cn&message=%E6%8A%95%E8%AF%89&ref=ad")
        let r = try ProcessRunner.run(ProcessRunner.gatewayExecutable, [
            "parse", "--type", "webform", "--set", "content_type=application/x-www-form-urlencoded",
            "--set", #"fields={ email = { to = "customer.email" }, message = { to = "body" } }"#, file.path,
        ], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let line = try #require(r.lines.first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(json["body"] as? String == "投诉")
        #expect((json["customer"] as? [String: Any])?["email"] as? String == "li@example.cn")
        #expect((json["attributes"] as? [String: Any])?["ref"] as? String == "ad")
    }
}
