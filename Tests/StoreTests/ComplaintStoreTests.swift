import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// The behaviour every store engine must have (runs on each of `StoreEngine.available`).
@Suite("Complaint store")
struct ComplaintStoreTests {
    @Test("inserts, then recognizes the same complaint, then revises a changed one", arguments: StoreEngine.available)
    func exactDedup(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("store")
        let store = try await engine.open(dir)
        let ing = try await StoreSamples.begin(store)
        let first = try await store.commit([StoreSamples.complaint("1"), StoreSamples.complaint("2")], quarantine: [], ingestion: ing, dedup: ExactDedupStage())
        #expect(first == CommitResult(inserted: 2))
        let again = try await store.commit([StoreSamples.complaint("1"), StoreSamples.complaint("2")], quarantine: [], ingestion: ing, dedup: ExactDedupStage())
        #expect(again == CommitResult(unchanged: 2))
        let changed = try await store.commit([StoreSamples.complaint("1", body: "broadband down for 3 days")], quarantine: [],
                                             ingestion: ing, dedup: ExactDedupStage())
        #expect(changed == CommitResult(updated: 1))

        let feed = try await store.feed(after: 0, limit: 100)
        #expect(feed.map(\.sequence) == [1, 2, 3])
        #expect(feed.map(\.type) == [.received, .received, .updated])
        #expect(feed[2].complaint?.revision == 2)
        #expect(feed[2].complaint?.body == "broadband down for 3 days")
        #expect(feed[0].complaint?.revision == 1, "earlier revisions stay in the feed as they were")
        let current = try #require(try await store.complaint(id: ComplaintIdentity.id(channel: "c", sourceID: "1")))
        #expect(current.revision == 2)
        #expect(try await store.complaintCount() == 2)
        #expect(try await store.feed(after: 2, limit: 100).map(\.sequence) == [3])
    }

    @Test("the same id twice in one batch is one complaint", arguments: StoreEngine.available)
    func repeatInBatch(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("store")
        let store = try await engine.open(dir)
        let ing = try await StoreSamples.begin(store)
        let r = try await store.commit([StoreSamples.complaint("1"), StoreSamples.complaint("1")], quarantine: [], ingestion: ing, dedup: ExactDedupStage())
        #expect(r == CommitResult(inserted: 1, unchanged: 1))
    }

    @Test("quarantine entries and ingestion status are recorded", arguments: StoreEngine.available)
    func quarantineAndManifest(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("store")
        let store = try await engine.open(dir)
        let sha = String(repeating: "b", count: 64)
        let ing = try await StoreSamples.begin(store, sha: sha)
        _ = try await store.commit([], quarantine: [QuarantineEntry(channel: "c", rawSHA256: sha,
                                                                    rejection: Rejection(reason: "bad date", location: "line 7", excerpt: "x,y"))],
                                   ingestion: ing, dedup: ExactDedupStage())
        #expect(try await store.hasFinishedIngestion(sha256: sha, channel: "c") == false)
        var counts = IngestCounts()
        counts.quarantined = 1
        try await store.finishIngestion(ing, counts: counts, status: .completed)
        #expect(try await store.hasFinishedIngestion(sha256: sha, channel: "c"))
        #expect(try await store.hasFinishedIngestion(sha256: sha, channel: "other") == false)
        let q = try await store.quarantined(limit: 10)
        #expect(q.count == 1)
        #expect(q.first?.location == "line 7")
        #expect(q.first?.reason == "bad date")
        #expect(q.first?.rawSHA256 == sha)
    }

    @Test("two writers on one store: no duplicate, no gap in the feed", arguments: StoreEngine.available)
    func concurrentWriters(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("store")
        // Two independent connection pools, as two processes would have.
        let a = try await engine.open(dir)
        let b = try await engine.open(dir)
        let ingA = try await StoreSamples.begin(a)
        let ingB = try await StoreSamples.begin(b)
        // Overlapping sources: 0..<600 from A, 300..<900 from B, in batches of 50.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (store, ing, range) in [(a, ingA, 0..<600), (b, ingB, 300..<900)] {
                group.addTask {
                    for start in stride(from: range.lowerBound, to: range.upperBound, by: 50) {
                        let batch = (start..<start + 50).map { StoreSamples.complaint("src-\($0)") }
                        _ = try await store.commit(batch, quarantine: [], ingestion: ing, dedup: ExactDedupStage())
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await a.complaintCount() == 900)
        let feed = try await a.feed(after: 0, limit: 10_000)
        #expect(feed.count == 900)
        #expect(feed.map(\.sequence) == Array(1...900).map(Int64.init))
        #expect(Set(feed.map(\.complaint?.id)).count == 900)
    }

    @Test("readers page the feed while a writer commits, never seeing a gap", arguments: StoreEngine.available)
    func readersDuringWrites(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("store")
        let store = try await engine.open(dir)
        let ing = try await StoreSamples.begin(store)
        let writer = Task {
            for start in stride(from: 0, to: 2000, by: 100) {
                let batch = (start..<start + 100).map { StoreSamples.complaint("w-\($0)") }
                _ = try await store.commit(batch, quarantine: [], ingestion: ing, dedup: ExactDedupStage())
            }
        }
        var cursor: Int64 = 0
        var seen: [Int64] = []
        while seen.count < 2000 {
            let page = try await store.feed(after: cursor, limit: 137)
            seen += page.map(\.sequence)
            cursor = page.last?.sequence ?? cursor
            if page.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        }
        try await writer.value
        #expect(seen == Array(1...2000).map(Int64.init))
    }
}
