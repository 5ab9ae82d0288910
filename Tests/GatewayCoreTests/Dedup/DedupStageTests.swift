import Foundation
import Testing
import ComplaintModel
import GatewayCore
import SQLiteStore
import GatewayTestSupport
import StoreTestSupport

/// The dedup stage over a real SQLite store: every rule in English and Chinese,
/// the pairs that must not match, clusters, persistence, rebuild and
/// concurrent writers.
@Suite("Dedup stage")
struct DedupStageTests {
    /// A store in its own folder, with an ingestion to commit to.
    struct Fixture {
        let dir: TemporaryDirectory
        let store: any ComplaintStore
        let ingestion: Int64
        var stage: ComplaintDedupStage

        init(_ engine: StoreEngine, _ settings: DedupSettings = DedupSettings()) async throws {
            dir = try TemporaryDirectory("dedup")
            store = try await engine.open(dir)
            ingestion = try await DedupStageTests.begin(store)
            stage = ComplaintDedupStage(settings: settings)
        }

        /// Commits one complaint and returns it as stored.
        @discardableResult
        func add(_ c: NormalizedComplaint) async throws -> Complaint {
            _ = try await store.commit([c], quarantine: [], ingestion: ingestion, dedup: stage)
            return try #require(try await store.complaint(id: c.complaint.id))
        }
    }

    static let base = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18

    static func complaint(_ source: String, channel: String = "web", email: String? = nil, phone: String? = nil,
                          handle: String? = nil, body: String, at: Date = base, attributes: [String: AttributeValue] = [:])
        -> NormalizedComplaint {
        let c = Complaint(id: ComplaintIdentity.id(channel: channel, sourceID: source),
                          channel: ChannelRef(name: channel, type: channel == "calls" ? "call_log" : "web_form"), sourceID: source,
                          receivedAt: at, customer: Customer(email: email, phone: phone, handle: handle), body: body,
                          attributes: attributes,
                          raw: RawRef(sha256: String(repeating: "a", count: 64), size: 1, mediaType: "text/plain"))
        return NormalizedComplaint(complaint: c, fingerprint: ComplaintIdentity.fingerprint(of: c))
    }

    static func begin(_ store: some ComplaintStore) async throws -> Int64 {
        try await store.beginIngestion(IngestionStart(
            channel: ChannelRef(name: "web", type: "web_form"),
            object: ArchivedObject(sha256: String(repeating: "a", count: 64), size: 1, url: URL(fileURLWithPath: "/dev/null"), isNew: true),
            mediaType: "text/plain", sourceName: "test", receivedAt: Date()))
    }

    static let billEN = "My electricity bill for October was charged twice, please refund the second payment of 86.40."
    static let broadbandZH = "我家的宽带从上周五开始就一直断断续续，晚上根本没法上网，打了三次客服电话都说会派人来修，到现在也没有人联系我，请尽快安排维修。"

    @Test("the same text from the same customer on another channel is a duplicate of the first (English)", arguments: StoreEngine.available)
    func crossChannelDuplicate(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let first = try await f.add(Self.complaint("w1", email: "li.lei@example.com", phone: "+8613800138000", body: Self.billEN))
        #expect(first.dedup.status == .unique)
        #expect(first.dedup.cluster == first.id, "a first complaint starts its own cluster")
        // The call centre typed it in: other case, full-width punctuation, extra spaces.
        let call = try await f.add(Self.complaint("c1", channel: "calls", phone: "+8613800138000",
                                                  body: "my electricity bill for October was charged  twice，please refund the second payment of 86.40！"))
        #expect(call.dedup.status == .duplicate)
        #expect(call.dedup.of == first.id)
        #expect(call.dedup.cluster == first.id)
        let events = try await f.store.feed(after: 0, limit: 10)
        #expect(events.map(\.type) == [.received, .duplicate])
        // A third copy points at the first, not at the second.
        let third = try await f.add(Self.complaint("w2", email: "LI.LEI@example.com", body: Self.billEN))
        #expect(third.dedup.status == .duplicate)
        #expect(third.dedup.of == first.id)
    }

    @Test("identities are linked when one complaint carries two of them (Chinese)", arguments: StoreEngine.available)
    func identityLinking(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let byEmail = try await f.add(Self.complaint("w1", email: "wang@example.cn", body: Self.broadbandZH))
        // A call from a phone nobody has linked yet: another customer as far as we know.
        let call = try await f.add(Self.complaint("c1", channel: "calls", phone: "+8613911112222",
                                                  body: "上个月的话费账单多扣了五十块钱，请核实后退还。"))
        #expect(call.dedup.status == .unique)
        // A form with both the email and the phone links them: one person now.
        _ = try await f.add(Self.complaint("w2", email: "wang@example.cn", phone: "+8613911112222",
                                           body: "营业厅的工作人员态度很差，办理业务等了两个小时。"))
        let again = try await f.add(Self.complaint("c2", channel: "calls", phone: "+8613911112222", body: Self.broadbandZH))
        #expect(again.dedup.status == .duplicate)
        #expect(again.dedup.of == byEmail.id)
        let billAgain = try await f.add(Self.complaint("w3", email: "wang@example.cn",
                                                       body: "上个月的话费账单多扣了五十块钱，请核实后退还！"))
        #expect(billAgain.dedup.status == .duplicate)
        #expect(billAgain.dedup.of == call.id)
    }

    @Test("light edits from the same customer are near-duplicates with a score, in Chinese and English", arguments: StoreEngine.available)
    func nearDuplicates(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let zh = try await f.add(Self.complaint("w1", phone: "+8613800000001", body: Self.broadbandZH))
        let zhEdit = try await f.add(Self.complaint("c1", channel: "calls", phone: "+8613800000001",
            body: "您好，我家的宽带从上周五开始就一直断断续续，晚上根本没法上网，打了三次客服电话都说会派人来修，到现在也没人联系我，请尽快安排维修！谢谢"))
        #expect(zhEdit.dedup.status == .nearDuplicate)
        #expect(zhEdit.dedup.of == zh.id)
        let score = try #require(zhEdit.dedup.score)
        #expect(score >= 0.5 && score < 1)

        let en = try await f.add(Self.complaint("w2", email: "amy@example.com", body: Self.billEN))
        let enEdit = try await f.add(Self.complaint("w3", email: "amy@example.com",
            body: "Hello, my electricity bill for October was charged twice. Please refund the second paymnet of 86.40! Best regards, Amy"))
        #expect(enEdit.dedup.status == .nearDuplicate)
        #expect(enEdit.dedup.of == en.id)
        #expect(enEdit.dedup.cluster == en.id, "a near-duplicate joins its original's cluster")
    }

    @Test("must not match: same customer with another problem; one template with other facts", arguments: StoreEngine.available)
    func mustNotMatch(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        _ = try await f.add(Self.complaint("w1", email: "zhao@example.cn", body: Self.broadbandZH))
        let other = try await f.add(Self.complaint("w2", email: "zhao@example.cn", body: "上个月的话费账单多扣了五十块钱，请核实后退还。"))
        #expect(other.dedup.status == .unique)
        _ = try await f.add(Self.complaint("w3", email: "amy@example.com",
            body: "Order 12345 arrived damaged on 2026-11-02, the screen is cracked. I want a replacement."))
        let otherOrder = try await f.add(Self.complaint("w4", email: "amy@example.com",
            body: "Order 67890 arrived damaged on 2026-11-09, the screen is cracked. I want a replacement."))
        #expect(otherOrder.dedup.status == .unique)
        _ = try await f.add(Self.complaint("w5", email: "zhao@example.cn", body: "订单 20261102 的退款 128 元还没有到账，已经等了十天。"))
        let otherAmount = try await f.add(Self.complaint("w6", email: "zhao@example.cn", body: "订单 20261109 的退款 256 元还没有到账，已经等了十天。"))
        #expect(otherAmount.dedup.status == .unique)
        // The same text from a different customer is not a duplicate (it may share a cluster).
        let stranger = try await f.add(Self.complaint("w7", email: "someone.else@example.com", body: Self.broadbandZH))
        #expect(stranger.dedup.status == .unique)
    }

    @Test("outside the window a re-sent text is a new complaint", arguments: StoreEngine.available)
    func window(engine: StoreEngine) async throws {
        var settings = DedupSettings()
        settings.window = 30 * 86_400
        let f = try await Fixture(engine, settings)
        _ = try await f.add(Self.complaint("w1", email: "a@example.com", body: Self.billEN))
        let within = try await f.add(Self.complaint("w2", email: "a@example.com", body: Self.billEN, at: Self.base + 29 * 86_400))
        #expect(within.dedup.status == .duplicate)
        let later = try await f.add(Self.complaint("w3", email: "b@example.com", body: Self.billEN))
        #expect(later.dedup.status == .unique)
        let afterWindow = try await f.add(Self.complaint("w4", email: "b@example.com", body: Self.billEN, at: Self.base + 31 * 86_400))
        #expect(afterWindow.dedup.status == .unique)
    }

    static func outage(_ i: Int) -> String {
        let extras = ["家里老人还在用制氧机", "冰箱里的东西都要坏了", "孩子明天还要考试", "店里今天没法营业", "已经打了三次电话"]
        return "幸福小区 3 号楼从今天下午两点开始停电，到现在还没有恢复，也没有任何通知，\(extras[i % extras.count])，请尽快处理。"
    }

    @Test("similar text from different customers forms an incident cluster, flagged as a mass complaint", arguments: StoreEngine.available)
    func clusters(engine: StoreEngine) async throws {
        var settings = DedupSettings()
        settings.massComplaintCustomers = 4
        settings.massComplaintWindow = 3_600
        let f = try await Fixture(engine, settings)
        var members: [Complaint] = []
        for i in 0..<5 {
            let c = Self.complaint("o\(i)", channel: i.isMultiple(of: 2) ? "web" : "calls", phone: "+861380000100\(i)",
                                   body: Self.outage(i), at: Self.base + Double(i * 300))
            let result = try await f.store.commit([c], quarantine: [], ingestion: f.ingestion, dedup: f.stage)
            // The fourth distinct customer within the hour makes it a mass complaint, once.
            #expect(result.massComplaints == (i == 3 ? [members[0].id] : []))
            members.append(try #require(try await f.store.complaint(id: c.complaint.id)))
        }
        #expect(members.allSatisfy { $0.dedup.status == .unique }, "different customers are never duplicates")
        #expect(Set(members.map(\.dedup.cluster)) == [members[0].id])
        let unrelated = try await f.add(Self.complaint("u1", email: "x@example.com", body: Self.billEN, at: Self.base + 600))
        #expect(unrelated.dedup.cluster == unrelated.id)

        let clusters = try await f.store.clusters(ClusterQuery())
        #expect(clusters.count == 1)
        let cluster = try #require(clusters.first)
        #expect(cluster.id == members[0].id)
        #expect(cluster.size == 5)
        #expect(cluster.customers == 5)
        #expect(cluster.firstSeen == Self.base)
        #expect(cluster.lastSeen == Self.base + 1_200)
        #expect(cluster.flaggedAt == Self.base + 900)
        #expect(cluster.excerpt.hasPrefix("幸福小区"))
        #expect(try await f.store.clusters(ClusterQuery(massComplaintsOnly: true)).map(\.id) == [members[0].id])
        #expect(try await f.store.clusters(ClusterQuery(minimumSize: 6)).isEmpty)
    }

    @Test("a cluster spread over hours is not a mass complaint", arguments: StoreEngine.available)
    func slowClusterNotFlagged(engine: StoreEngine) async throws {
        var settings = DedupSettings()
        settings.massComplaintCustomers = 3
        settings.massComplaintWindow = 3_600
        let f = try await Fixture(engine, settings)
        for i in 0..<5 {
            let c = Self.complaint("o\(i)", phone: "+861380000200\(i)", body: Self.outage(i), at: Self.base + Double(i) * 7_200)
            let result = try await f.store.commit([c], quarantine: [], ingestion: f.ingestion, dedup: f.stage)
            #expect(result.massComplaints.isEmpty)
        }
        let clusters = try await f.store.clusters(ClusterQuery())
        #expect(clusters.first?.size == 5)
        #expect(clusters.first?.flaggedAt == nil)
    }

    static func mixedRun() -> [NormalizedComplaint] {
        var run: [NormalizedComplaint] = [
            complaint("w1", email: "wang@example.cn", body: broadbandZH),
            complaint("c1", channel: "calls", phone: "+8613911112222", body: "上个月的话费账单多扣了五十块钱，请核实后退还。", at: base + 10),
            complaint("w2", email: "wang@example.cn", phone: "+8613911112222", body: "营业厅的工作人员态度很差，办理业务等了两个小时。",
                      at: base + 20),
            complaint("c2", channel: "calls", phone: "+8613911112222", body: broadbandZH, at: base + 30),
            complaint("w3", email: "wang@example.cn", body: "上个月的话费账单多扣了五十块钱，请核实后退还！", at: base + 40),
            complaint("e1", email: "li.lei@example.com", body: billEN, at: base + 50),
            complaint("e2", email: "li.lei@example.com", body: billEN.replacingOccurrences(of: "please", with: "kindly"), at: base + 60),
        ]
        for i in 0..<6 {
            run.append(complaint("o\(i)", channel: i.isMultiple(of: 2) ? "web" : "calls", phone: "+861380000100\(i)",
                                 body: outage(i), at: base + 100 + Double(i * 60)))
        }
        run.append(complaint("o2", channel: "web", phone: "+8613800001002", body: outage(2) + "（补充：已经停电五个小时）", at: base + 500))
        run.append(complaint("e1", email: "li.lei@example.com", body: billEN + " Account 5521.", at: base + 600))
        return run
    }

    @Test("a whole batch decides as one complaint at a time does", arguments: StoreEngine.available)
    func batchDecidesAsOneByOne(engine: StoreEngine) async throws {
        var settings = DedupSettings()
        settings.massComplaintCustomers = 4
        // The reference: SQLite, one complaint per commit.
        let reference = try await Fixture(.sqlite, settings)
        var flaggedOneByOne: [String] = []
        for c in Self.mixedRun() {
            flaggedOneByOne += try await reference.store.commit([c], quarantine: [], ingestion: reference.ingestion,
                                                                dedup: reference.stage).massComplaints
        }
        // The engine under test: the same complaints in one commit (a revision and a
        // second version of one complaint inside the batch).
        let batched = try await Fixture(engine, settings)
        let result = try await batched.store.commit(Self.mixedRun(), quarantine: [], ingestion: batched.ingestion, dedup: batched.stage)
        #expect(result.massComplaints == flaggedOneByOne)
        #expect(result.massComplaints.count == 1)
        #expect(result.inserted == 13 && result.updated == 2)

        func summary(_ store: any ComplaintStore) async throws -> [String] {
            // Complaint events in feed order (a batch announces customer signals after all its complaints).
            try await store.feed(after: 0, limit: 100).compactMap(\.complaint).enumerated().map { position, complaint in
                let d = complaint.dedup
                return "\(position) \(complaint.sourceID) r\(complaint.revision) \(d.status) of=\(d.of ?? "-") cluster=\(d.cluster ?? "-") score=\(d.score ?? 0)"
            }
        }
        let expected = try await summary(reference.store), got = try await summary(batched.store)
        #expect(got == expected)
        let signals = { (store: any ComplaintStore) in
            try await store.feed(after: 0, limit: 100).compactMap(\.customer).map { "\($0.kind) \($0.complaint) \($0.complaintsInWindow)" }
        }
        #expect(try await signals(batched.store) == (try await signals(reference.store)))
        #expect(expected.contains { $0.contains("duplicate of=") && $0.contains(" c2 ") }, "the merge midway links c2 to w1")
        let clusters = { (store: any ComplaintStore) in
            try await store.clusters(ClusterQuery(minimumSize: 1)).map { "\($0.id) \($0.size) \($0.customers) \($0.flaggedAt != nil)" }.sorted()
        }
        #expect(try await clusters(batched.store) == (try await clusters(reference.store)))
        let revised = try #require(try await batched.store.revisions(of: ComplaintIdentity.id(channel: "web", sourceID: "e1")))
        #expect(revised.map(\.revision) == [2, 1])
    }

    @Test("disabled: only exact re-deliveries; a channel-written body is never compared", arguments: StoreEngine.available)
    func disabledAndGeneratedBodies(engine: StoreEngine) async throws {
        var settings = DedupSettings()
        settings.enabled = false
        let off = try await Fixture(engine, settings)
        _ = try await off.add(Self.complaint("w1", email: "a@example.com", body: Self.billEN))
        let copy = try await off.add(Self.complaint("w2", email: "a@example.com", body: Self.billEN))
        #expect(copy.dedup == DedupInfo())

        let f = try await Fixture(engine)
        let generated: [String: AttributeValue] = [Complaint.generatedBodyAttribute: .bool(true)]
        _ = try await f.add(Self.complaint("c1", channel: "calls", phone: "+8613800000001", body: "Call from 13800000001 to complaints",
                                           attributes: generated))
        let second = try await f.add(Self.complaint("c2", channel: "calls", phone: "+8613800000001",
                                                    body: "Call from 13800000001 to complaints", attributes: generated))
        #expect(second.dedup.status == .unique, "two calls from one number are two calls")
        #expect(second.dedup.cluster == nil)
    }

    @Test("preview decides like a commit, batch included, and writes nothing", arguments: StoreEngine.available)
    func preview(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let a = Self.complaint("w1", email: "a@example.com", body: Self.billEN)
        let b = Self.complaint("w2", email: "a@example.com", body: Self.billEN)
        let decisions = try await f.store.preview([a, b], dedup: f.stage)
        guard case .insert(let second) = decisions[1].0 else { Issue.record("expected an insert"); return }
        #expect(second.dedup.status == .duplicate)
        #expect(second.dedup.of == a.complaint.id)
        #expect(try await f.store.feed(after: 0, limit: 10).isEmpty)
        let entries = try await RawSQL.rows(f.store, "SELECT COUNT(*)::text FROM dedup_entries")[0][0].flatMap { Int($0) }
        #expect(entries == 0)
    }

    @Test("the feed can leave out duplicates and near-duplicates", arguments: StoreEngine.available)
    func feedFilter(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        _ = try await f.add(Self.complaint("w1", email: "a@example.com", body: Self.billEN))
        _ = try await f.add(Self.complaint("w2", email: "a@example.com", body: Self.billEN))
        _ = try await f.add(Self.complaint("w3", email: "a@example.com",
            body: "Hello, my electricity bill for October was charged twice. Please refund the second paymnet of 86.40!"))
        let all = try await f.store.feed(FeedQuery())
        #expect(all.compactMap(\.complaint).map(\.dedup.status) == [.unique, .duplicate, .nearDuplicate])
        #expect(all.compactMap(\.customer).map(\.kind) == [.repeat, .escalationRisk], "three within the window: a repeat complainant")
        let originals = try await f.store.feed(FeedQuery(includeDuplicates: false))
        #expect(originals.compactMap(\.complaint).map(\.sourceID) == ["w1"])
        #expect(originals.count == 3, "signals are kept, as incident events are")
        let near = try await f.store.feed(FeedQuery(dedupStatus: "near_duplicate"))
        #expect(near.map(\.complaint?.sourceID) == ["w3"])
    }
}
