import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// `RevisionPolicy.sameInputOnly`, enforced inside each engine's write
/// transaction: only the input that made a complaint may bring it again.
@Suite("Revision policy")
struct RevisionPolicyTests {
    static func complaint(_ source: String, body: String, raw: Character, policy: RevisionPolicy) -> NormalizedComplaint {
        let c = Complaint(id: ComplaintIdentity.id(channel: "c", sourceID: source),
                          channel: ChannelRef(name: "c", type: "lines"), sourceID: source,
                          receivedAt: Date(timeIntervalSince1970: 1_780_000_000), body: body,
                          raw: RawRef(sha256: String(repeating: raw, count: 64), size: 1, mediaType: "text/plain", location: "line 1"))
        return NormalizedComplaint(complaint: c, fingerprint: ComplaintIdentity.fingerprint(of: c), revisionPolicy: policy)
    }

    @Test("same input again: unchanged or revised (a newer parser); another input: a quarantined conflict", arguments: StoreEngine.available)
    func sameInputOnly(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("store")
        let store = try await engine.open(dir)
        let ing = try await StoreSamples.begin(store)
        let dedup = ExactDedupStage()
        let first = try await store.commit([Self.complaint("key:k", body: "mine", raw: "a", policy: .sameInputOnly)],
                                           quarantine: [], ingestion: ing, dedup: dedup)
        #expect(first.inserted == 1)
        let retry = try await store.commit([Self.complaint("key:k", body: "mine", raw: "a", policy: .sameInputOnly)],
                                           quarantine: [], ingestion: ing, dedup: dedup)
        #expect(retry.unchanged == 1)
        // A replay of the same archived input through a newer parser may change the text.
        let reparsed = try await store.commit([Self.complaint("key:k", body: "mine, parsed better", raw: "a", policy: .sameInputOnly)],
                                              quarantine: [], ingestion: ing, dedup: dedup)
        #expect(reparsed.updated == 1)

        let other = try await store.commit([Self.complaint("key:k", body: "theirs", raw: "b", policy: .sameInputOnly)],
                                           quarantine: [], ingestion: ing, dedup: dedup)
        #expect(other.inserted + other.updated + other.unchanged == 0)
        #expect(other.conflicts.count == 1)
        #expect(other.conflicts.first?.kind == .conflict)
        let current = try #require(try await store.complaint(id: ComplaintIdentity.id(channel: "c", sourceID: "key:k")))
        #expect(current.body == "mine, parsed better")
        let quarantined = try await store.quarantined(limit: 10)
        #expect(quarantined.count == 1)
        #expect(quarantined.first?.rawSHA256 == String(repeating: "b", count: 64))
        #expect(quarantined.first?.location == "line 1")
        #expect(quarantined.first?.excerpt == "theirs")
        #expect(try await store.feed(after: 0, limit: 10).count == 2)

        // A record whose source may change is revised by any input.
        _ = try await store.commit([Self.complaint("item:1", body: "v1", raw: "a", policy: .anyInput)], quarantine: [], ingestion: ing, dedup: dedup)
        let edited = try await store.commit([Self.complaint("item:1", body: "v2", raw: "c", policy: .anyInput)], quarantine: [], ingestion: ing, dedup: dedup)
        #expect(edited.updated == 1)
    }

    @Test("many writers racing for one sender-chosen id: exactly one wins", arguments: StoreEngine.available)
    func race(engine: StoreEngine) async throws {
        let dir = try TemporaryDirectory("store")
        let stores = [try await engine.open(dir), try await engine.open(dir)]
        let ing = try await StoreSamples.begin(stores[0])
        let raws: [Character] = ["1", "2", "3", "4", "5", "6", "7", "8"]
        let results = try await withThrowingTaskGroup(of: CommitResult.self) { group in
            for (n, raw) in raws.enumerated() {
                let store = stores[n % 2]
                group.addTask {
                    try await store.commit([Self.complaint("key:race", body: "body \(raw)", raw: raw, policy: .sameInputOnly)],
                                           quarantine: [], ingestion: ing, dedup: ComplaintDedupStage(settings: DedupSettings()))
                }
            }
            return try await group.reduce(into: [CommitResult]()) { $0.append($1) }
        }
        #expect(results.map(\.inserted).reduce(0, +) == 1)
        #expect(results.map(\.updated).reduce(0, +) == 0)
        #expect(results.map(\.conflicts.count).reduce(0, +) == raws.count - 1)
        #expect(try await stores[0].feed(after: 0, limit: 100).count == 1)
        #expect(try await stores[0].quarantined(limit: 100).count == raws.count - 1)
    }
}
