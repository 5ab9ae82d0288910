import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// Whole inputs committed many per transaction (`GroupCommitter`,
/// `ComplaintStore.commitInputs`), on each engine.
@Suite("Group commit")
struct GroupCommitterTests {
    static func input(_ n: Int, complaints: Int = 1, sourceName: String? = nil) -> IntakeCommit {
        let sha = String(format: "%064x", n)
        let drafts = (0..<complaints).map { StoreSamples.complaint("\(n)-\($0)", body: "complaint \(n)-\($0)") }
        var parsed = IngestCounts()
        parsed.read = complaints
        return IntakeCommit(
            start: IngestionStart(channel: ChannelRef(name: "c", type: "lines"),
                                  object: ArchivedObject(sha256: sha, size: 1, url: URL(fileURLWithPath: "/dev/null"), isNew: true),
                                  mediaType: "text/plain", sourceName: sourceName ?? "input \(n)", receivedAt: Date()),
            complaints: drafts, quarantine: [], parsed: parsed, status: .completed)
    }

    @Test("inputs queued at once commit in queue order, each finished with its counts in the same transaction",
          arguments: StoreEngine.available)
    func order(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("group")
        let store = try await engine.open(dir)
        let committer = GroupCommitter(store: store, dedup: ExactDedupStage(), maxInputs: 7, maxComplaints: 20)
        let promises = (0..<60).map { committer.enqueue(Self.input($0, complaints: 1 + $0 % 3)) }
        var outcomes: [IntakeOutcome] = []
        for promise in promises { outcomes.append(try await promise.value) }

        #expect(outcomes.map(\.ingestion) == outcomes.map(\.ingestion).sorted(), "ingestions recorded in queue order")
        #expect(Set(outcomes.map(\.ingestion)).count == 60)
        for (n, outcome) in outcomes.enumerated() {
            #expect(outcome.counts.read == 1 + n % 3)
            #expect(outcome.counts.new == 1 + n % 3)
            #expect(try await store.hasFinishedIngestion(sha256: String(format: "%064x", n), channel: "c"))
        }
        #expect(try await store.interruptedIngestions().isEmpty, "no input is left processing")
        let expected = (0..<60).flatMap { n in (0..<(1 + n % 3)).map { "\(n)-\($0)" } }
        #expect(try await store.feed(after: 0, limit: 1000).map(\.complaint?.sourceID) == expected, "the feed is in queue order")

        // The same inputs again: recognized, nothing new in the feed.
        let again = try await committer.commit(Self.input(5, complaints: 3))
        #expect(again.counts.unchanged == 3)
        #expect(again.counts.new == 0)
        #expect(try await store.feed(after: 0, limit: 1000).count == expected.count)
    }

    @Test("many callers at once: each input committed once, nothing left processing",
          arguments: StoreEngine.available)
    func concurrentCallers(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("group-concurrent")
        let store = try await engine.open(dir)
        let committer = GroupCommitter(store: store, dedup: ExactDedupStage(), maxInputs: 16, maxComplaints: 40)
        let outcomes = try await withThrowingTaskGroup(of: IntakeOutcome.self) { group in
            for n in 0..<300 { group.addTask { try await committer.commit(Self.input(n, complaints: 1 + n % 2)) } }
            var all: [IntakeOutcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.count == 300)
        #expect(Set(outcomes.map(\.ingestion)).count == 300)
        #expect(outcomes.allSatisfy { $0.counts.new == $0.counts.read })
        #expect(try await store.feed(after: 0, limit: 1000).count == (0..<300).map { 1 + $0 % 2 }.reduce(0, +))
        #expect(try await store.interruptedIngestions().isEmpty)
    }

    @Test("an input the store refuses fails alone; the inputs it was grouped with commit")
    func isolation() async throws {
        // PostgreSQL refuses text holding a NUL character: a real refusal of one input.
        guard StoreEngine.available.contains(.postgres) else { return }
        let dir = try TemporaryDirectory("group-fail")
        let store = try await StoreEngine.postgres.open(dir)
        let committer = GroupCommitter(store: store, dedup: ExactDedupStage())
        let promises = (0..<9).map { committer.enqueue(Self.input($0, sourceName: $0 == 4 ? "bad\u{0}name" : nil)) }
        var failed: [Int] = []
        for (n, promise) in promises.enumerated() {
            do { _ = try await promise.value } catch { failed.append(n) }
        }
        #expect(failed == [4])
        #expect(try await store.feed(after: 0, limit: 100).map(\.complaint?.sourceID) == ["0-0", "1-0", "2-0", "3-0", "5-0", "6-0", "7-0", "8-0"])
        #expect(try await store.interruptedIngestions().isEmpty, "the refused input left no half-recorded ingestion")
        #expect(try await store.hasFinishedIngestion(sha256: String(format: "%064x", 4), channel: "c") == false)
    }
}
