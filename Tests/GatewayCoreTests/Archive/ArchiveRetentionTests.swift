import Foundation
import Testing
import ComplaintModel
import GatewayCore
import SQLiteStore
import GatewayTestSupport
import StoreTestSupport

@Suite("Archive retention")
struct ArchiveRetentionTests {
    @Test("only old, settled, unquarantined objects are pruned; pruned ones leave verify and replay", arguments: StoreEngine.available)
    func prune(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("retention")
        let archive = try RawArchive(root: dir.path("archive"))
        let store = try await engine.open(dir)
        let pipeline = IngestPipeline(archive: archive, store: store, dedup: ExactDedupStage())
        let channel = try TestChannels.lineChannel("inbox")
        _ = try await pipeline.ingest(fileAt: try dir.write("old.txt", "a|old complaint\n"), channel: channel)
        _ = try await pipeline.ingest(fileAt: try dir.write("old-quarantined.txt", "!broken\n"), channel: channel)
        _ = try await pipeline.ingest(fileAt: try dir.write("old-but-updated.txt", "c|first words\n"), channel: channel)
        _ = try await pipeline.ingest(fileAt: try dir.write("new.txt", "d|recent\n"), channel: channel)
        let sha = { (name: String) in try RawArchive.digest(fileAt: dir.path(name)).sha256 }
        let (old, quarantined, updated, recent) = (try sha("old.txt"), try sha("old-quarantined.txt"), try sha("old-but-updated.txt"), try sha("new.txt"))

        // Age everything but new.txt by 400 days.
        let aged = RFC3339.string(from: Date().addingTimeInterval(-400 * 86_400))
        for s in [old, quarantined, updated] {
            try await RawSQL.execute(store, "UPDATE archive_objects SET first_received_at = $1::timestamptz WHERE sha256 = $2", [aged, s])
            try await RawSQL.execute(store, "UPDATE ingestions SET received_at = $1::timestamptz WHERE raw_sha256 = $2", [aged, s])
        }
        try await RawSQL.execute(store, "UPDATE feed_events SET committed_at = $1::timestamptz", [aged])
        // A later revision of complaint c (from another, recent input) keeps its old input.
        _ = try await pipeline.ingest(fileAt: try dir.write("correction.txt", "c|first words, corrected\n"), channel: channel)

        let cutoff = Date().addingTimeInterval(-365 * 86_400)
        let dry = try await store.pruneCandidates(before: cutoff, limit: 100, dryRun: true)
        #expect(dry.map(\.sha256) == [old])
        let pruned = try await store.pruneCandidates(before: cutoff, limit: 100, dryRun: false)
        #expect(pruned.map(\.sha256) == [old])
        try archive.remove(old)
        #expect(!archive.contains(old))
        #expect(archive.contains(quarantined) && archive.contains(updated) && archive.contains(recent))
        #expect(try await store.pruneCandidates(before: cutoff, limit: 100, dryRun: false).isEmpty, "pruned once")

        let listed = try await store.archivedObjects(after: "", limit: 100).map(\.sha256)
        #expect(!listed.contains(old), "verify does not look for pruned objects")
        let replay = try await Replayer(pipeline: pipeline).run(ReplayFilter(), channels: [channel])
        #expect(replay.missingObjects.isEmpty)
        #expect(replay.inputs == 4)
    }
}
