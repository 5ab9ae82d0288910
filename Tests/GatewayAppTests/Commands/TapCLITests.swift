import Foundation
import Testing
import GatewayTestSupport

/// `tap` and `feed --follow` as real processes, following a store while
/// another process (`ingest`) writes to it, on SQLite and on PostgreSQL.
@Suite("complaint-gateway tap and feed --follow")
struct TapCLITests {
    enum Engine: String, CaseIterable, Sendable { case sqlite, postgres }

    static func run(_ args: [String], in dir: URL) async throws -> ProcessResult {
        try await ProcessRunner.run(ProcessRunner.gatewayExecutable, args, in: dir)
    }

    /// A workspace on `engine`; nil when PostgreSQL is not available here.
    static func workspace(_ engine: Engine) throws -> TemporaryDirectory? {
        let dir = try CLITests.workspace()
        guard engine == .postgres else { return dir }
        guard let server = PostgresTestServer.shared else { return nil }
        let conf = try String(contentsOf: dir.path("channels.conf"), encoding: .utf8)
        try dir.write("channels.conf", conf.replacingOccurrences(of: "[storage]\npath = \"state/c.sqlite\"", with: """
            [storage]
            type = "postgres"
            url = "\(server.url)"
            schema = "\(PostgresTestServer.uniqueSchema("tap"))"
            """))
        return dir
    }

    static func start(_ args: [String], in dir: URL) throws -> (Process, ServeOperationsCLITests.PipeCollector, ServeOperationsCLITests.PipeCollector) {
        let process = Process()
        process.executableURL = ProcessRunner.gatewayExecutable
        process.arguments = args
        process.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, .init(out), .init(err))
    }

    @Test("tap prints complaints and quarantine entries committed by another process, masked unless --pii", arguments: Engine.allCases)
    func tapWhileIngesting(_ engine: Engine) async throws {
        guard let dir = try Self.workspace(engine) else { return }
        // Committed before the tap starts: not printed (the tap starts at the end).
        let before = try await Self.run(["ingest", "--channel", "pbx"], in: dir.url)
        #expect(before.status == 0, "\(before.stderr)")

        let (tap, out, err) = try Self.start(["tap", "--quarantined"], in: dir.url)
        let (tapPII, outPII, errPII) = try Self.start(["tap", "--pii", "--channel", "callcentre"], in: dir.url)
        defer { tap.terminate(); tapPII.terminate() }
        #expect(try await eventually { err.text.contains("tapping every channel after feed sequence") }, "\(err.text)")
        #expect(try await eventually { errPII.text.contains("tapping channel callcentre") }, "\(errPII.text)")

        let good = try await Self.run(["ingest", "--channel", "callcentre", "export.csv"], in: dir.url)
        #expect(good.status == 0, "\(good.stderr)")
        _ = try await Self.run(["ingest", "--channel", "callcentre", "drop/pbx/Master.csv"], in: dir.url)

        let feed = try await Self.run(["feed"], in: dir.url)
        let callcentre = feed.lines.filter { $0.contains(#""name":"callcentre""#) }
        #expect(!callcentre.isEmpty)
        #expect(try await eventually {
            out.text.split(separator: "\n").filter { $0.contains(#""event":"complaint."#) }.count == callcentre.count
                && out.text.contains(#"{"quarantined":"#)
        }, "\(out.text)")
        #expect(try await eventually {
            outPII.text.split(separator: "\n").filter { $0.contains(#""event":"complaint."#) }.count == callcentre.count
        }, "\(outPII.text)")
        let lines = out.text.split(separator: "\n")
        #expect(!lines.contains { $0.contains(#""name":"pbx""#) }, "what was committed before the tap started is not printed")
        // Phone numbers as stored (the unmasked feed) appear only with --pii.
        let phones = callcentre.compactMap { line -> String? in
            guard let range = line.range(of: #""phone":""#) else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(!phones.isEmpty)
        for phone in phones {
            #expect(!out.text.contains(phone), "\(phone) masked")
            #expect(outPII.text.contains(phone), "\(phone) shown with --pii")
        }
    }

    @Test("feed --follow keeps printing events another process commits", arguments: Engine.allCases)
    func feedFollow(_ engine: Engine) async throws {
        guard let dir = try Self.workspace(engine) else { return }
        let (follow, out, _) = try Self.start(["feed", "--follow"], in: dir.url)
        defer { follow.terminate() }
        _ = try await Self.run(["ingest", "--channel", "pbx"], in: dir.url)
        #expect(try await eventually { out.text.contains(#""name":"pbx""#) }, "\(out.text)")
        let first = out.text.split(separator: "\n").count
        _ = try await Self.run(["ingest", "--channel", "callcentre", "export.csv"], in: dir.url)
        #expect(try await eventually { out.text.contains(#""name":"callcentre""#) }, "\(out.text)")
        #expect(out.text.split(separator: "\n").count > first)
        #expect(follow.isRunning, "it keeps following")
    }
}
