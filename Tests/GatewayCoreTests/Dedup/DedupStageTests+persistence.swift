import Foundation
import Testing
import ComplaintModel
import GatewayCore
import SQLiteStore
import GatewayTestSupport
import StoreTestSupport

/// What the dedup index keeps across re-deliveries, reopenings, rebuilds,
/// concurrent writers and rolled-back transactions.
extension DedupStageTests {
    @Test("re-delivery changes nothing; a new revision keeps the verdict", arguments: StoreEngine.available)
    func revisionsKeepVerdict(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let first = try await f.add(Self.complaint("w1", email: "a@example.com", body: Self.billEN))
        let dup = Self.complaint("w2", email: "a@example.com", body: Self.billEN)
        _ = try await f.add(dup)
        let again = try await f.store.commit([dup], quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(again == CommitResult(unchanged: 1))
        var changed = Self.complaint("w2", email: "a@example.com", body: Self.billEN)
        changed.complaint.subject = "Refund"
        changed.fingerprint = ComplaintIdentity.fingerprint(of: changed.complaint)
        let revised = try await f.add(changed)
        #expect(revised.revision == 2)
        #expect(revised.dedup.status == .duplicate)
        #expect(revised.dedup.of == first.id)
        #expect(try await f.store.feed(after: 0, limit: 10).map(\.type) == [.received, .duplicate, .updated])
    }

    @Test("the index is persistent: a reopened store still recognizes duplicates", arguments: StoreEngine.available)
    func persistent(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("dedup")
        let stage = ComplaintDedupStage()
        let first: String
        do {
            let store = try await engine.open(dir)
            let ing = try await Self.begin(store)
            let c = Self.complaint("w1", email: "a@example.com", body: Self.broadbandZH)
            _ = try await store.commit([c], quarantine: [], ingestion: ing, dedup: stage)
            first = c.complaint.id
        }
        let store = try await engine.open(dir)
        let ing = try await Self.begin(store)
        let c = Self.complaint("c1", channel: "calls", email: "a@example.com", body: Self.broadbandZH)
        _ = try await store.commit([c], quarantine: [], ingestion: ing, dedup: stage)
        let stored = try await store.complaint(id: c.complaint.id)
        #expect(stored?.dedup.of == first)
    }

    @Test("rebuild reproduces the index from the stored complaints", arguments: StoreEngine.available)
    func rebuild(engine: StoreEngine) async throws {
        var settings = DedupSettings()
        settings.massComplaintCustomers = 3
        let f = try await Fixture(engine, settings)
        let original = try await f.add(Self.complaint("w1", email: "a@example.com", phone: "+8613800000009", body: Self.billEN))
        _ = try await f.add(Self.complaint("w2", email: "a@example.com", body: Self.billEN))
        for i in 0..<4 {
            _ = try await f.add(Self.complaint("o\(i)", phone: "+861380000300\(i)", body: Self.outage(i), at: Self.base + Double(i * 60)))
        }
        let before = try await f.store.clusters(ClusterQuery())
        let tables = ["dedup_identities", "dedup_entries", "dedup_bands", "dedup_clusters", "dedup_cluster_people"]
        func counts() async throws -> [Int] {
            var out: [Int] = []
            for table in tables {
                out.append(Int(try await RawSQL.rows(f.store, "SELECT COUNT(*)::text FROM \(table)")[0][0] ?? "") ?? -1)
            }
            return out
        }
        let countsBefore = try await counts()
        // Lose the index entirely, then rebuild it.
        for table in tables { try await RawSQL.execute(f.store, "DELETE FROM \(table)") }
        let rebuilt = try await f.store.rebuildDedupIndex(f.stage, mode: .recompute, progress: nil)
        #expect(rebuilt == DedupRebuild.Report(complaints: 6, revised: 0), "the same rules decide the same verdicts: nothing rewritten")
        #expect(try await counts() == countsBefore)
        let after = try await f.store.clusters(ClusterQuery())
        #expect(after.map(\.id) == before.map(\.id))
        #expect(after.map(\.size) == before.map(\.size))
        #expect(after.map(\.flaggedAt) == before.map(\.flaggedAt))
        // The rebuilt index links identities: a call from the phone finds the original.
        let call = try await f.add(Self.complaint("c1", channel: "calls", phone: "+8613800000009", body: Self.billEN))
        #expect(call.dedup.of == original.id)
    }

    @Test("concurrent writers on one file never both take the same complaint as the original", arguments: StoreEngine.available)
    func concurrentWriters(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("dedup")
        let stores = [try await engine.open(dir), try await engine.open(dir)]
        let stage = ComplaintDedupStage()
        // Each customer sends the same text through two channels at once, one per writer.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (w, store) in stores.enumerated() {
                group.addTask {
                    let ing = try await Self.begin(store)
                    for i in 0..<40 {
                        let c = Self.complaint("w\(w)-\(i)", channel: w == 0 ? "web" : "calls", phone: "+86139000\(String(format: "%05d", i))",
                                               body: "第 \(i) 号投诉：\(Self.broadbandZH)")
                        _ = try await store.commit([c], quarantine: [], ingestion: ing, dedup: stage)
                    }
                }
            }
            try await group.waitForAll()
        }
        let events = try await stores[0].feed(after: 0, limit: 1000)
        #expect(events.count == 80)
        let byStatus = Dictionary(grouping: events.compactMap(\.complaint), by: \.dedup.status)
        #expect(byStatus[.unique]?.count == 40)
        #expect(byStatus[.duplicate]?.count == 40)
        let uniqueIDs = Set(byStatus[.unique]?.map(\.id) ?? [])
        #expect(byStatus[.duplicate]?.allSatisfy { uniqueIDs.contains($0.dedup.of ?? "") } == true)
    }

    @Test("two writers on one store share incident clusters: each sees the other's complaints before it decides", arguments: StoreEngine.available)
    func writersShareClusters(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("dedup")
        let a = try await engine.open(dir), b = try await engine.open(dir)
        let stage = ComplaintDedupStage()
        let ingA = try await Self.begin(a), ingB = try await Self.begin(b)
        // Writer a has read the day's buckets (and keeps them in memory on SQLite).
        _ = try await a.commit([Self.complaint("u1", email: "x@example.com", body: Self.billEN)], quarantine: [], ingestion: ingA, dedup: stage)
        // Writer b stores the first report of an outage; writer a's next report of it must join b's.
        let first = Self.complaint("o1", phone: "+8613800000101", body: Self.outage(0), at: Self.base + 60)
        _ = try await b.commit([first], quarantine: [], ingestion: ingB, dedup: stage)
        let second = Self.complaint("o2", channel: "calls", phone: "+8613800000102", body: Self.outage(0), at: Self.base + 120)
        _ = try await a.commit([second], quarantine: [], ingestion: ingA, dedup: stage)
        let stored = try #require(try await a.complaint(id: second.complaint.id))
        #expect(stored.dedup.cluster == first.complaint.id)
    }

    @Test("a rolled-back decision leaves no trace: after a preview, a commit decides as if it never ran", arguments: StoreEngine.available)
    func previewLeavesNoTrace(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let founder = try await f.add(Self.complaint("o0", phone: "+8613800000200", body: Self.outage(0)))
        // Four more reports of the same text, previewed only: more than a bucket keeps.
        let previewed = (1...4).map { Self.complaint("p\($0)", phone: "+861380000020\($0)", body: Self.outage(0), at: Self.base + Double($0)) }
        _ = try await f.store.preview(previewed, dedup: f.stage)
        // Meanwhile another writer stores four unrelated complaints, taking the ids the preview had used.
        let other = try await engine.open(f.dir)
        let ingestion = try await Self.begin(other)
        for i in 1...4 {
            _ = try await other.commit([Self.complaint("u\(i)", email: "u\(i)@example.com", body: "第 \(i) 号：\(Self.broadbandZH)")],
                                       quarantine: [], ingestion: ingestion, dedup: f.stage)
        }
        let next = try await f.add(Self.complaint("o5", channel: "calls", phone: "+8613800000209", body: Self.outage(0), at: Self.base + 10))
        #expect(next.dedup.cluster == founder.id)
        #expect(try await f.store.clusters(ClusterQuery()).map(\.size) == [2])
    }

    /// Complaints exercising every rule in one run: linked identities (a merge
    /// midway), duplicates and near-duplicates, a cluster becoming a mass
    /// complaint, a revision of a complaint from earlier in the run, and one
    /// complaint sent twice with other content.
}
