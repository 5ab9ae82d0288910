import Foundation
import Synchronization
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// The one path files take in (`IngestPipeline.ingest(files:)`): parsed in
/// parallel, committed and reported in order, claimed against other instances.
@Suite("File intake")
struct FileIntakeTests {
    final class Results: Sendable {
        let items = Mutex<[(String, IntakeFileResult)]>([])
        func add(_ file: IntakeFile, _ result: IntakeFileResult) {
            items.withLock { $0.append((file.url.lastPathComponent, result)) }
        }
        var names: [String] { items.withLock { $0.map(\.0) } }
        var all: [(String, IntakeFileResult)] { items.withLock { $0 } }
    }

    @Test("files parsed in parallel are committed and reported in their order; a large one and a bad one keep their place",
          arguments: StoreEngine.available)
    func order(engine: StoreEngine) async throws {
        let f = try await IngestPipelineTests.Fixture(engine, batchSize: 5)
        var files: [IntakeFile] = []
        for n in 0..<40 {
            let text = n == 17 ? (0..<23).map { "big\($0)|large input line \($0) (\(engine))" }.joined(separator: "\n")
                : n == 29 ? "x\(n)|first\nFAIL\n" : "f\(n)|complaint from file \(n)\n"
            files.append(IntakeFile(url: try f.dir.write(String(format: "in-%02d.txt", n), text), channel: f.channel, skipIfFinished: true))
        }
        try FileManager.default.createSymbolicLink(at: f.dir.path("link.txt"), withDestinationURL: files[0].url)
        files.insert(IntakeFile(url: f.dir.path("link.txt"), channel: f.channel, skipIfFinished: true), at: 3)

        let results = Results()
        await f.pipeline.ingest(files: files, parallelism: 4) { file, result in results.add(file, result) }

        #expect(results.names == files.map(\.url.lastPathComponent), "reported once each, in order")
        let outcome = Dictionary(uniqueKeysWithValues: results.all)
        if case .failed(let error) = outcome["link.txt"] {
            #expect(error is InputFileError, "a link in a folder is refused: \(error)")
        } else {
            Issue.record("the link was taken in: \(String(describing: outcome["link.txt"]))")
        }
        if case .ingested(let report) = outcome["in-17.txt"] {
            #expect(report.counts.new == 23, "the large input is committed in batches, all of it")
            let sha = try RawArchive.digest(fileAt: files[18].url).sha256
            #expect(LineChannelPlugin.opened.withLock { $0[sha] } == 1, "parsed once: streamed on from the batch read while preparing")
        } else {
            Issue.record("the large input was not ingested")
        }
        if case .ingested(let report) = outcome["in-29.txt"] {
            #expect(report.counts.new == 1)
            #expect(report.counts.quarantined == 1, "an input that fails midway is quarantined whole, in its place")
        } else {
            Issue.record("in-29 was not ingested")
        }
        let expected = (0..<40).flatMap { n -> [String] in
            n == 17 ? (0..<23).map { "big\($0)" } : n == 29 ? ["x29"] : ["f\(n)"]
        }
        #expect(try await f.store.feed(after: 0, limit: 1000).map(\.complaint?.sourceID) == expected, "the feed is in file order")
        #expect(try await f.store.interruptedIngestions().isEmpty)

        // A second pass finds everything done.
        let again = Results()
        await f.pipeline.ingest(files: files.filter { $0.url.lastPathComponent != "link.txt" }, parallelism: 4) { again.add($0, $1) }
        #expect(again.all.allSatisfy { if case .alreadyIngested = $0.1 { true } else { false } })
    }

    @Test("a file another instance has claimed is left to it, then taken once the claim is gone")
    func claimed() async throws {
        // Claims are shared only by PostgreSQL (an embedded store has one user).
        guard StoreEngine.available.contains(.postgres) else { return }
        let f = try await IngestPipelineTests.Fixture(.postgres)
        let url = try f.dir.write("in.txt", "a|one\nb|two\n")
        let sha = try RawArchive.digest(fileAt: url).sha256
        #expect(try await f.store.claimInput(sha256: sha, channel: f.channel.name, owner: "serve@elsewhere", for: 600))

        let first = Results()
        // An operator's `ingest` of a named file claims it too.
        let file = IntakeFile(url: url, channel: f.channel, skipIfFinished: false)
        await f.pipeline.ingest(files: [file], owner: "ingest@here") { first.add($0, $1) }
        guard case .claimedElsewhere = try #require(first.all.first).1 else {
            Issue.record("taken while claimed: \(first.all)")
            return
        }
        #expect(try await f.store.feed(after: 0, limit: 10).isEmpty)

        try await f.store.releaseInput(sha256: sha, channel: f.channel.name, owner: "serve@elsewhere")
        let second = Results()
        await f.pipeline.ingest(files: [file], owner: "ingest@here") { second.add($0, $1) }
        guard case .ingested(let report) = try #require(second.all.first).1 else {
            Issue.record("not taken after the claim was released: \(second.all)")
            return
        }
        #expect(report.counts.new == 2)
        // Released after the commit: another instance may claim it now.
        #expect(try await f.store.claimInput(sha256: sha, channel: f.channel.name, owner: "serve@elsewhere", for: 600))
    }
}
