import Foundation
import Testing
import ComplaintModel
import GatewayCore
import SQLiteStore
import GatewayTestSupport
import StoreTestSupport

@Suite("Replay and recovery")
struct ReplayerTests {
    struct Fixture {
        let dir: TemporaryDirectory
        let archive: RawArchive
        let store: any ComplaintStore
        let pipeline: IngestPipeline

        init(_ engine: StoreEngine) async throws {
            dir = try TemporaryDirectory("replay")
            archive = try RawArchive(root: dir.path("archive"))
            store = try await engine.open(dir)
            pipeline = IngestPipeline(archive: archive, store: store, dedup: ExactDedupStage())
        }

        var replayer: Replayer { Replayer(pipeline: pipeline) }
    }

    @Test("a changed parser yields new revisions and update events; replaying again changes nothing", arguments: StoreEngine.available)
    func replayAfterChange(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let before = try TestChannels.lineChannel("inbox")
        let file = try f.dir.write("in.txt", "a|one\nb|two\n!bad\n")
        _ = try await f.pipeline.ingest(fileAt: file, channel: before)

        // Same channel, "fixed" parser: every body gains a prefix.
        let after = try TestChannels.lineChannel("inbox", extra: "prefix = \"> \"")
        let preview = try await f.replayer.run(ReplayFilter(), channels: [after], dryRun: true)
        #expect(preview.inputs == 1)
        #expect(preview.counts.updated == 2)
        #expect(preview.diffs.count == 2)
        #expect(preview.diffs[0].changes.map(\.path) == ["body"])
        #expect(preview.diffs[0].changes[0].new.hasPrefix("> "))
        #expect(try await f.store.feed(after: 0, limit: 100).count == 2, "a dry run writes nothing")

        let first = try await f.replayer.run(ReplayFilter(), channels: [after])
        #expect(first.counts.updated == 2)
        #expect(first.counts.quarantined == 1, "the bad line still fails")
        let feed = try await f.store.feed(after: 0, limit: 100)
        #expect(feed.map(\.type) == [.received, .received, .updated, .updated])
        #expect(feed[2].complaint?.revision == 2)
        #expect(feed[2].complaint?.body == "> one")
        #expect(try await f.store.quarantined(limit: 10).count == 1, "quarantine entries are replaced, not duplicated")

        let second = try await f.replayer.run(ReplayFilter(), channels: [after])
        #expect(second.counts.updated == 0)
        #expect(second.counts.unchanged == 2)
        #expect(try await f.store.feed(after: 0, limit: 100).count == 4)
    }

    @Test("--quarantined retries inputs after their cause is fixed and clears what now succeeds", arguments: StoreEngine.available)
    func retryQuarantined(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let strict = try TestChannels.lineChannel("inbox")
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("ok.txt", "a|fine\n"), channel: strict)
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("bad.txt", "!x|was rejected\n"), channel: strict)
        #expect(try await f.store.quarantined(limit: 10).count == 1)

        let fixed = try TestChannels.lineChannel("inbox", extra: "reject_prefix = \"%\"")
        let summary = try await f.replayer.run(ReplayFilter(quarantinedOnly: true), channels: [fixed])
        #expect(summary.inputs == 1, "only the input with quarantine entries")
        #expect(summary.counts.new == 1)
        #expect(summary.counts.quarantined == 0)
        #expect(try await f.store.quarantined(limit: 10).isEmpty)
        let again = try await f.replayer.run(ReplayFilter(quarantinedOnly: true), channels: [fixed])
        #expect(again.inputs == 0)
    }

    @Test("filters by channel and digest; missing objects and unknown channels are reported", arguments: StoreEngine.available)
    func filtersAndMissing(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let a = try TestChannels.lineChannel("a"), b = try TestChannels.lineChannel("b")
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("1.txt", "x|1\n"), channel: a)
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("2.txt", "y|2\n"), channel: b)
        #expect(try await f.replayer.run(ReplayFilter(channel: "a"), channels: [a, b]).inputs == 1)
        let sha = try RawArchive.digest(fileAt: f.dir.path("2.txt")).sha256
        #expect(try await f.replayer.run(ReplayFilter(sha256: sha), channels: [a, b]).inputs == 1)
        #expect(try await f.replayer.run(ReplayFilter(until: Date(timeIntervalSince1970: 0)), channels: [a, b]).inputs == 0)
        #expect(try await f.replayer.run(ReplayFilter(), channels: [a]).unknownChannels == ["b"])
        try FileManager.default.removeItem(at: f.archive.url(for: sha))
        #expect(try await f.replayer.run(ReplayFilter(), channels: [a, b]).missingObjects == [sha])
    }

    @Test("an interrupted replay resumes after the last input it finished", arguments: StoreEngine.available)
    func resume(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let before = try TestChannels.lineChannel("inbox")
        for i in 0..<5 { _ = try await f.pipeline.ingest(fileAt: try f.dir.write("\(i).txt", "s\(i)|body \(i)\n"), channel: before) }
        let after = try TestChannels.lineChannel("inbox", extra: "prefix = \"> \"")
        // Interrupt after the second input: the progress callback cancels the task.
        let checkpointing = Replayer(pipeline: f.pipeline, checkpointEvery: 1)
        let task = Task {
            try await checkpointing.run(ReplayFilter(), channels: [after]) { summary in
                if summary.inputs == 2 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        _ = try? await task.value
        let updatedSoFar = try await f.store.feed(after: 0, limit: 100).filter { $0.type == .updated }.count
        #expect(updatedSoFar >= 2 && updatedSoFar < 5, "interrupted midway (\(updatedSoFar) updated)")

        let resumed = try await checkpointing.run(ReplayFilter(), channels: [after])
        #expect(resumed.resumedAfter != nil)
        #expect(resumed.inputs == 5 - updatedSoFar, "only what was left")
        #expect(resumed.counts.updated == 5 - updatedSoFar)
        // Finished: the next run is a new one over everything, and changes nothing.
        let fresh = try await f.replayer.run(ReplayFilter(), channels: [after])
        #expect(fresh.resumedAfter == nil)
        #expect(fresh.inputs == 5)
        #expect(fresh.counts.unchanged == 5)
    }

    @Test("--rate paces the replay", arguments: StoreEngine.available)
    func rate(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let channel = try TestChannels.lineChannel("inbox")
        for i in 0..<6 { _ = try await f.pipeline.ingest(fileAt: try f.dir.write("\(i).txt", "s\(i)|body \(i)\n"), channel: channel) }
        let clock = ContinuousClock()
        let started = clock.now
        let summary = try await f.replayer.run(ReplayFilter(), channels: [channel], rate: 20)
        #expect(summary.inputs == 6)
        // 6 inputs at 20/s cannot finish in under 0.3 s.
        #expect(clock.now - started >= .milliseconds(290))
    }

    @Test("interrupted ingestions are processed again at start-up, unless their process is alive", arguments: StoreEngine.available)
    func recovery(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let channel = try TestChannels.lineChannel("inbox")
        let object = try f.archive.store(data: Data("a|one\nb|two\n".utf8))
        let crashed = try await f.store.beginIngestion(IngestionStart(
            channel: ChannelRef(name: "inbox", type: "lines"), object: object, mediaType: "text/plain",
            sourceName: "crashed.txt", receivedAt: Date()))
        // Another live process on this host (our parent) owns a second interrupted ingestion.
        let other = try f.archive.store(data: Data("c|three\n".utf8))
        let running = try await f.store.beginIngestion(IngestionStart(
            channel: ChannelRef(name: "inbox", type: "lines"), object: other, mediaType: "text/plain",
            sourceName: "running.txt", receivedAt: Date()))
        let liveWorker = WorkerIdentity(host: WorkerIdentity.current.host, pid: getppid()).description
        let deadWorker = WorkerIdentity(host: WorkerIdentity.current.host, pid: 999_999).description
        try await RawSQL.execute(f.store, "UPDATE ingestions SET worker = $1 WHERE id = $2::bigint", [liveWorker, String(running)])
        try await RawSQL.execute(f.store, "UPDATE ingestions SET worker = $1 WHERE id = $2::bigint", [deadWorker, String(crashed)])
        #expect(try await f.pipeline.recoverInterrupted(channels: [channel]) == 1)
        #expect(try await f.store.feed(after: 0, limit: 10).map(\.complaint?.sourceID) == ["a", "b"])
        #expect(try await f.pipeline.recoverInterrupted(channels: [channel]) == 0, "recovered once")
        let statuses = try await RawSQL.rows(f.store, "SELECT status FROM ingestions ORDER BY id").map { $0[0] }
        #expect(statuses == ["superseded", "processing", "completed"])
    }
}
