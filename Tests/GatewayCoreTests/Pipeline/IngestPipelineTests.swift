import Foundation
import Testing
import ComplaintModel
import GatewayCore
import SQLiteStore
import GatewayTestSupport
import StoreTestSupport

@Suite("Ingest pipeline")
struct IngestPipelineTests {
    struct Fixture {
        let dir: TemporaryDirectory
        let archive: RawArchive
        let store: any ComplaintStore
        let pipeline: IngestPipeline
        let channel: ConfiguredChannel

        init(_ engine: StoreEngine, batchSize: Int = 2000) async throws {
            dir = try TemporaryDirectory("pipeline")
            archive = try RawArchive(root: dir.path("archive"))
            store = try await engine.open(dir)
            pipeline = IngestPipeline(archive: archive, store: store, dedup: ExactDedupStage(), batchSize: batchSize)
            channel = try TestChannels.lineChannel("inbox")
        }
    }

    @Test("archives, normalizes, stores; quarantines bad records and goes on", arguments: StoreEngine.available)
    func ingest(engine: StoreEngine) async throws {
        let f = try await Fixture(engine, batchSize: 2)
        let file = try f.dir.write("in.txt", "a|Router  down\r\n# a comment line\n!broken\nb|账单多扣\nno separator\nc|third\n")
        let counts = try await f.pipeline.ingest(fileAt: file, channel: f.channel)
        #expect(counts.read == 6)
        #expect(counts.new == 3)
        #expect(counts.skipped == 1)
        #expect(counts.quarantined == 2)
        let sha = try RawArchive.digest(fileAt: file).sha256
        #expect(f.archive.contains(sha))
        let feed = try await f.store.feed(after: 0, limit: 10)
        #expect(feed.map(\.complaint?.sourceID) == ["a", "b", "c"])
        let a = try #require(feed[0].complaint)
        #expect(a.body == "Router  down")
        #expect(a.customer.email == "customer@example.com")
        #expect(a.language == "en")
        #expect(a.raw.sha256 == sha)
        #expect(a.raw.location == "line 1")
        #expect(a.id == ComplaintIdentity.id(channel: "inbox", sourceID: "a"))
        #expect(feed[1].complaint?.language == "zh")
        let q = try await f.store.quarantined(limit: 10)
        #expect(Set(q.compactMap(\.location)) == ["line 3", "line 5"])
        #expect(try await f.store.hasFinishedIngestion(sha256: sha, channel: "inbox"))
    }

    @Test("ingesting the same file twice creates nothing new", arguments: StoreEngine.available)
    func idempotent(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let file = try f.dir.write("in.txt", "a|one\nb|two\n")
        _ = try await f.pipeline.ingest(fileAt: file, channel: f.channel)
        let again = try await f.pipeline.ingest(fileAt: file, channel: f.channel)
        #expect(again.new == 0)
        #expect(again.unchanged == 2)
        // The same records in another file (an appended export) are recognized too.
        let appended = try f.dir.write("in2.txt", "a|one\nb|two\nc|three\n")
        let third = try await f.pipeline.ingest(fileAt: appended, channel: f.channel)
        #expect(third.new == 1)
        #expect(third.unchanged == 2)
        #expect(try await f.store.feed(after: 0, limit: 100).count == 3)
    }

    @Test("an input that fails midway keeps what was read and is quarantined as a whole", arguments: StoreEngine.available)
    func failureMidway(engine: StoreEngine) async throws {
        let f = try await Fixture(engine, batchSize: 1)
        let file = try f.dir.write("in.txt", "a|one\nb|two\nFAIL\nc|never\n")
        let counts = try await f.pipeline.ingest(fileAt: file, channel: f.channel)
        #expect(counts.new == 2)
        #expect(counts.quarantined == 1)
        let q = try #require(try await f.store.quarantined(limit: 10).first)
        #expect(q.location == "line 3", "where reading stopped")
        #expect(q.reason.contains("stopped after 2 records"))
        #expect(q.reason.contains("simulated read failure"))
        #expect(f.archive.contains(q.rawSHA256), "the failed input stays archived for replay")
        // Finished (quarantined as a whole): a folder scan does not pick it up again.
        #expect(try await f.store.hasFinishedIngestion(sha256: q.rawSHA256, channel: "inbox"))
    }

    @Test("an ingestion interrupted midway is not finished, so a rescan processes the input again", arguments: StoreEngine.available)
    func interrupted(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let object = try f.archive.store(data: Data("a|one\n".utf8))
        _ = try await f.store.beginIngestion(IngestionStart(
            channel: ChannelRef(name: "inbox", type: "lines"), object: object, mediaType: "text/plain",
            sourceName: "crashed", receivedAt: Date()))
        #expect(try await f.store.hasFinishedIngestion(sha256: object.sha256, channel: "inbox") == false)
        let counts = try await f.pipeline.process(object, sourceName: "again", channel: f.channel)
        #expect(counts.new == 1)
        #expect(try await f.store.hasFinishedIngestion(sha256: object.sha256, channel: "inbox"))
    }

    @Test("an unreadable input is archived first, then quarantined", arguments: StoreEngine.available)
    func notUTF8(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let file = try f.dir.write("in.txt", Data([0xFF, 0xFE, 0x00, 0x41]))
        let counts = try await f.pipeline.ingest(fileAt: file, channel: f.channel)
        #expect(counts.quarantined == 1)
        #expect(counts.read == 0)
        let q = try #require(try await f.store.quarantined(limit: 1).first)
        #expect(q.reason.hasPrefix("cannot parse input"))
        #expect(f.archive.contains(q.rawSHA256))
    }
}
