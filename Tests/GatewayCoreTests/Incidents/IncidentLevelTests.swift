import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// `[incidents]` levels on both engines: a cluster goes up level by level,
/// each step is one `incident.level_changed` event in the same transaction
/// as the complaint that crossed it, counted within the level's window,
/// never announced twice.
@Suite("Incident levels")
struct IncidentLevelTests {
    typealias D = DedupStageTests

    static let levels = [IncidentLevel(name: "yellow", customers: 3, window: 3_600),
                         IncidentLevel(name: "orange", customers: 5, window: 3_600),
                         IncidentLevel(name: "red", customers: 8, window: 1_800)]

    static func settings() -> DedupSettings {
        var settings = DedupSettings()
        settings.incidents = IncidentSettings(levels: levels, samples: 2)
        return settings
    }

    /// The i-th customer's complaint about one outage, every other one by phone.
    static func outage(_ i: Int, minutes: Int) -> NormalizedComplaint {
        // Every text names the same address (the building manager's), which samples must mask.
        let body = D.outage(i) + " 联系邮箱 li.lei@example.cn"
        return D.complaint("o\(i)", channel: i.isMultiple(of: 2) ? "web" : "calls", phone: "+861380000300\(i)", body: body,
                           at: D.base + Double(minutes * 60))
    }

    @Test("a cluster goes up yellow, orange, red; one event per step, right after the complaint that crossed it", arguments: StoreEngine.available)
    func levelsGoUp(engine: StoreEngine) async throws {
        let f = try await D.Fixture(engine, Self.settings())
        var raised: [[String]] = []
        for i in 0..<9 {
            let result = try await f.store.commit([Self.outage(i, minutes: i)], quarantine: [], ingestion: f.ingestion, dedup: f.stage)
            raised.append(result.incidents.map(\.level))
        }
        #expect(raised == [[], [], ["yellow"], [], ["orange"], [], [], ["red"], []])

        let feed = try await f.store.feed(after: 0, limit: 100)
        #expect(feed.count == 12, "9 complaints and 3 level events")
        let kinds = feed.map { $0.incident?.level ?? $0.complaint?.sourceID ?? "?" }
        #expect(kinds == ["o0", "o1", "o2", "yellow", "o3", "o4", "orange", "o5", "o6", "o7", "red", "o8"])
        let first = try #require(try await f.store.complaint(id: Self.outage(0, minutes: 0).complaint.id))
        let yellow = try #require(feed[3].incident)
        #expect(feed[3].type == .incidentLevelChanged)
        #expect(yellow.cluster == first.id)
        #expect(yellow.previousLevel == nil && yellow.rank == 1)
        #expect(yellow.customers == 3 && yellow.complaints == 3 && yellow.windowMinutes == 60)
        #expect(yellow.channels == ["calls", "web"])
        #expect(yellow.firstSeen == RFC3339.string(from: D.base))
        #expect(yellow.lastSeen == RFC3339.string(from: D.base + 120))
        #expect(yellow.samples.count == 2, "[incidents] samples = 2")
        #expect(yellow.samples[0].contains("l***@example.cn") && !yellow.samples[0].contains("li.lei@"), "samples are masked: \(yellow.samples[0])")
        let red = try #require(feed[10].incident)
        #expect(red.previousLevel == "orange" && red.rank == 3 && red.customers == 8 && red.windowMinutes == 30)

        let event: String = try CloudEvent(feed[10]).jsonLine()
        #expect(event.contains(#""type":"incident.level_changed""#) && event.contains(#""source":"/incidents""#)
                && event.contains(#""subject":"\#(first.id)""#) && event.contains(CloudEvent.incidentSchema), "\(event)")
        #expect(try await f.store.latestFeedSequence() == feed.last?.sequence)
        #expect(try await f.store.feedEvent(sequence: feed[10].sequence)?.incident?.level == "red")

        #expect(try await f.store.clusters(ClusterQuery()).first?.level == "red")
        let incidents = try await f.store.incidents(activeSince: D.base, limit: 10)
        #expect(incidents.map(\.level) == ["red"])
        #expect(incidents.first?.complaints == 9 && incidents.first?.totalCustomers == 9 && incidents.first?.customers == 8)
        #expect(try await f.store.incidents(activeSince: D.base + 3_600, limit: 10).isEmpty, "quiet for an hour: not listed")
        let detail = try #require(try await f.store.incident(cluster: first.id, bucket: 180, limit: 4))
        #expect(detail.channels == ["calls", "web"])
        #expect(detail.timeline.map(\.complaints) == [3, 3, 3])
        #expect(detail.timeline.map(\.customers) == [3, 3, 3])
        #expect(detail.complaintIDs == (5..<9).reversed().map { Self.outage($0, minutes: $0).complaint.id })
        #expect(try await f.store.incident(cluster: "no-such-cluster", bucket: 60, limit: 4) == nil)
        // Unasked, about 24 buckets over the cluster's life: 8 minutes → 1-minute buckets, one complaint each.
        let automatic = try #require(try await f.store.incident(cluster: first.id, bucket: nil, limit: 1))
        #expect(automatic.bucket == 60 && automatic.timeline.map(\.complaints) == Array(repeating: 1, count: 9))
    }

    @Test("customers are counted within each level's window: a slow outage stays orange", arguments: StoreEngine.available)
    func windows(engine: StoreEngine) async throws {
        let f = try await D.Fixture(engine, Self.settings())
        var levels: [String] = []
        for i in 0..<10 {
            // One customer every 10 minutes: 8 customers take 70 minutes, more than red's 30.
            levels += try await f.store.commit([Self.outage(i, minutes: i * 10)], quarantine: [], ingestion: f.ingestion, dedup: f.stage)
                .incidents.map(\.level)
        }
        #expect(levels == ["yellow", "orange"])
    }

    @Test("a whole outage in one transaction (a backlog) reaches its levels there; a rebuilt index announces nothing again",
          arguments: StoreEngine.available)
    func oneTransactionAndRebuild(engine: StoreEngine) async throws {
        let f = try await D.Fixture(engine, Self.settings())
        let result = try await f.store.commit((0..<6).map { Self.outage($0, minutes: $0) }, quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(result.incidents.map(\.level) == ["yellow", "orange"])
        #expect(result.incidents.last?.complaints == 6, "the event is written after all of the transaction's complaints")
        let before = try await f.store.feed(after: 0, limit: 100)
        #expect(before.compactMap(\.incident).map(\.level) == ["yellow", "orange"])
        #expect(before.suffix(2).allSatisfy { $0.incident != nil }, "after the transaction's complaints")

        _ = try await f.store.rebuildDedupIndex(f.stage, mode: .recompute, progress: nil)
        #expect(try await f.store.feed(after: 0, limit: 100).count == before.count, "levels are kept by cluster id, not announced again")
        #expect(try await f.store.clusters(ClusterQuery()).first?.level == "orange")
        _ = try await f.store.commit([Self.outage(6, minutes: 6)], quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(try await f.store.feed(after: 0, limit: 100).compactMap(\.incident).count == 2)
    }

    @Test("feed filters: a channel filter or a dedup status leaves level events out; leaving duplicates out keeps them",
          arguments: StoreEngine.available)
    func feedFilters(engine: StoreEngine) async throws {
        let f = try await D.Fixture(engine, Self.settings())
        _ = try await f.store.commit((0..<3).map { Self.outage($0, minutes: $0) }, quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(try await f.store.feed(FeedQuery(channel: "web")).allSatisfy { $0.complaint?.channel.name == "web" })
        #expect(try await f.store.feed(FeedQuery(dedupStatus: "unique")).allSatisfy { $0.complaint != nil })
        #expect(try await f.store.feed(FeedQuery(includeDuplicates: false)).compactMap(\.incident).count == 1)
        #expect(try await f.store.feed(FeedQuery(includeAutomated: false)).compactMap(\.incident).count == 1)
    }

    @Test("without [incidents] levels nothing is raised", arguments: StoreEngine.available)
    func noLevels(engine: StoreEngine) async throws {
        let f = try await D.Fixture(engine)
        let result = try await f.store.commit((0..<9).map { Self.outage($0, minutes: $0) }, quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(result.incidents.isEmpty)
        #expect(try await f.store.feed(after: 0, limit: 100).allSatisfy { $0.complaint != nil })
        #expect(try await f.store.incidents(activeSince: D.base, limit: 10).isEmpty)
    }
}
