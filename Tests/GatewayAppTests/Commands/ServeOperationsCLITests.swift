import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import GatewayTestSupport

/// Running `serve` day to day, as a real process: SIGHUP reloads, `/metrics`
/// before the first complaint, `/readyz` per channel, SIGTERM with a live
/// stream open, and a port already in use.
@Suite("complaint-gateway serve in operation")
struct ServeOperationsCLITests {
    static let config = """
        [server]
        scan_interval_seconds = 1
        shutdown_grace_seconds = 120
        [storage]
        path = "state/c.sqlite"
        [archive]
        path = "state/archive"

        [[token]]
        name = "ops"
        secret = { env = "CG_OPS_TEST_TOKEN" }
        scopes = ["admin"]

        [[channel]]
        name = "web"
        type = "web_form"
        [channel.fields]
        email = { to = "customer.email", required = true }
        message = { to = "body" }
        """
    static let token = "ops-test-token-0123456789abcdef"

    /// Every test's serve reads the token from the environment it inherits.
    init() {
        setenv("CG_OPS_TEST_TOKEN", Self.token, 1)
    }
    static let secondForm = """

        [[channel]]
        name = "web2"
        type = "web_form"
        [channel.fields]
        message = { to = "body" }
        """

    /// Collects what a child process writes to a pipe, as it writes it.
    final class PipeCollector: Sendable {
        private let buffer = Mutex(Data())

        init(_ pipe: Pipe) {
            let fd = pipe.fileHandleForReading.fileDescriptor
            Thread.detachNewThread { [self] in
                var bytes = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = Glibc.read(fd, &bytes, bytes.count)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return }
                    self.buffer.withLock { $0.append(contentsOf: bytes[0..<n]) }
                }
            }
        }

        var text: String { buffer.withLock { String(decoding: $0, as: UTF8.self) } }
    }


    static func get(_ url: URL) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func stop(_ process: Process, within seconds: Double = 60) async throws {
        kill(process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(50)) }
    }

    @Test("SIGHUP: a channel added, a broken file refused and logged, then a channel removed")
    func reloadOnHangup() async throws {
        let dir = try TemporaryDirectory("serve-hup")
        try dir.write("channels.conf", Self.config)
        let (process, port, err) = try ServeCLITests.start(in: dir.url)
        defer { if process.isRunning { process.terminate() } }
        let log = PipeCollector(err)
        let web2 = URL(string: "http://127.0.0.1:\(port)/v1/forms/web2")!
        #expect(try await ServeCLITests.post(web2, "message=before").0 == 404)

        try dir.write("channels.conf", Self.config + Self.secondForm)
        kill(process.processIdentifier, SIGHUP)
        #expect(try await eventually { try await ServeCLITests.post(web2, "message=after+SIGHUP").0 == 202 },
                "the channel added by SIGHUP takes posts")

        try dir.write("channels.conf", Self.config + Self.secondForm.replacingOccurrences(of: "type = \"web_form\"", with: "type = \"web_from\""))
        kill(process.processIdentifier, SIGHUP)
        #expect(try await eventually { log.text.contains("configuration not reloaded") }, "\(log.text)")
        #expect(log.text.contains("channels.conf:"), "the problem is located: \(log.text)")
        #expect(try await ServeCLITests.post(web2, "message=kept").0 == 202, "the running configuration stays")

        try dir.write("channels.conf", Self.config)
        kill(process.processIdentifier, SIGHUP)
        #expect(try await eventually { try await ServeCLITests.post(web2, "message=gone").0 == 404 })
        try await Self.stop(process)
        #expect(process.terminationStatus == 0)
    }

    @Test("/metrics lists every channel at zero before the first complaint, and the process metrics; /readyz reports a missing drop folder")
    func metricsAndReadiness() async throws {
        let dir = try TemporaryDirectory("serve-metrics")
        try dir.write("channels.conf", Self.config + """

            [[channel]]
            name = "pbx"
            type = "call_log"
            format = "asterisk"
            drop_folder = "no-such-folder"
            """)
        let (process, port, _) = try ServeCLITests.start(in: dir.url)
        defer { if process.isRunning { process.terminate() } }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        let (status, metrics) = try await Self.get(base.appending(path: "metrics"))
        #expect(status == 200)
        let lines = metrics.split(separator: "\n").map(String.init)
        for channel in ["web", "pbx"] {
            for name in ["complaint_gateway_records_received_total", "complaint_gateway_complaints_stored_total",
                         "complaint_gateway_records_quarantined_total"] {
                #expect(lines.contains { $0.hasPrefix(name + "{") && $0.contains("channel=\"\(channel)\"") && $0.hasSuffix(" 0") },
                        "\(name) for \(channel) at zero")
            }
        }
        #expect(lines.contains { $0.hasPrefix("complaint_gateway_form_posts_total{") && $0.contains("web") && $0.hasSuffix(" 0") })
        for name in ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_max_fds",
                     "process_start_time_seconds"] {
            let value = lines.first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
            #expect(value != nil, "\(name) present")
        }
        let resident = lines.first { $0.hasPrefix("process_resident_memory_bytes ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
        #expect(resident > 1_000_000, "a Swift server holds more than a megabyte")
        let start = lines.first { $0.hasPrefix("process_start_time_seconds ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
        #expect(abs(start - Date().timeIntervalSince1970) < 600, "started just now: \(start)")

        let (readyStatus, ready) = try await Self.get(base.appending(path: "readyz"))
        #expect(readyStatus == 200, "forms still flow: \(ready)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ready.utf8)) as? [String: Any])
        #expect(json["status"] as? String == "degraded")
        let channels = try #require(json["channels"] as? [String: String])
        #expect(channels["web"] == "ok")
        #expect(channels["pbx"]?.contains("no-such-folder does not exist") == true, "\(channels)")
        try await Self.stop(process)
    }

    @Test("SIGTERM with a live stream open: the stream ends and serve exits long before the grace period")
    func streamEndsAtShutdown() async throws {
        let dir = try TemporaryDirectory("serve-stream")
        try dir.write("channels.conf", Self.config)
        let (process, port, err) = try ServeCLITests.start(in: dir.url, logLevel: "notice")
        defer { if process.isRunning { process.terminate() } }
        let log = PipeCollector(err)
        let stream = try ServeCLITests.RawConnection(port: port)
        stream.send("GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(Self.token)\r\n\r\n")
        let opened = Date()
        // One line per input at the default level: channel, source, counts, duration.
        #expect(try await ServeCLITests.post(URL(string: "http://127.0.0.1:\(port)/v1/forms/web")!, "email=log%40example.cn&message=logged").0 == 202)
        #expect(try await eventually { log.text.contains("ingested input") }, "\(log.text)")
        let line = log.text.split(separator: "\n").first { $0.contains("ingested input") }.map(String.init) ?? ""
        for part in ["channel=web", "duration_ms=", "source=POST /v1/forms/web", "counts="] {
            #expect(line.contains(part), "\(part) in \(line)")
        }
        #expect(!line.contains("log@example.cn"), "no personal data in the log line")
        // The stream's first bytes (its retry line) arrive before SIGTERM.
        let (first, _) = stream.read(until: "retry:", deadline: 30)
        #expect(first.contains("retry:"), "\(first)")
        kill(process.processIdentifier, SIGTERM)
        let rest = stream.readToClose(deadline: 100)
        #expect(rest.closed, "the stream ends at shutdown")
        try await Self.stop(process, within: 100)
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        // The grace period is 120 s; ending the stream at once takes seconds.
        #expect(Date().timeIntervalSince(opened) < 60)
        #expect(log.text.contains("shutting down"), "each shutdown step is logged: \(log.text)")
        #expect(log.text.contains("stopped"), "\(log.text)")
    }

    @Test("a port already in use: one clear line, exit 78, nothing claims to be serving")
    func portInUse() async throws {
        let dir = try TemporaryDirectory("serve-port")
        try dir.write("channels.conf", Self.config)
        let (first, port, _) = try ServeCLITests.start(in: dir.url)
        defer { if first.isRunning { first.terminate() } }
        let second = try await ProcessRunner.run(ProcessRunner.gatewayExecutable, ["serve", "--listen", "127.0.0.1:\(port)"], in: dir.url)
        #expect(second.status == 78)
        #expect(!second.stdout.contains("listening on"))
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(port): address already in use"), "\(second.stderr)")
        #expect(!second.stderr.contains("serving"), "\(second.stderr)")
        try await Self.stop(first)
    }
}
