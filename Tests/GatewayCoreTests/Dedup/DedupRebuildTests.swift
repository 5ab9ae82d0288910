import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// `dedup rebuild` repairs a store decided under other rules: verdicts and
/// persons are decided again, and each change is a new revision in the feed.
@Suite("Dedup rebuild")
struct DedupRebuildTests {
    typealias Fixture = DedupStageTests.Fixture

    @Test("a store ingested without text identities is repaired: the call becomes the mail's duplicate in a new revision; a second rebuild changes nothing",
          arguments: StoreEngine.available)
    func recompute(engine: StoreEngine) async throws {
        var old = DedupSettings()
        old.identity.textIdentities = false
        var f = try await Fixture(engine, old)
        let mail = try await f.add(PersonLinkingTests.complaint("m1", channel: "mail", email: "li.lei@example.cn", body: PersonLinkingTests.outage,
                                                                signature: "李雷\n手机：138-0013-8000"))
        let call = try await f.add(PersonLinkingTests.complaint("c1", phone: "+8613800138000", body: PersonLinkingTests.outage,
                                                                at: DedupStageTests.base.addingTimeInterval(60)))
        #expect(call.dedup.status == .unique, "the old rules did not read the signature")
        #expect(call.customer.person != mail.customer.person)
        let eventsBefore = try await f.store.feed(after: 0, limit: 100).count

        // Kept verdicts: nothing is rewritten.
        f.stage = ComplaintDedupStage()
        let kept = try await f.store.rebuildDedupIndex(f.stage, mode: .keepVerdicts, progress: nil)
        #expect(kept == DedupRebuild.Report(complaints: 2, revised: 0))
        #expect(try await f.store.complaint(id: call.id)?.dedup.status == .unique)

        let report = try await f.store.rebuildDedupIndex(f.stage, mode: .recompute, progress: nil)
        #expect(report == DedupRebuild.Report(complaints: 2, revised: 2), "the mail's evidence and the call's verdict changed")
        let repaired = try #require(try await f.store.complaint(id: call.id))
        #expect(repaired.revision == 2)
        #expect(repaired.dedup.status == .duplicate)
        #expect(repaired.dedup.of == mail.id)
        #expect(repaired.customer.person == (try await f.store.complaint(id: mail.id))?.customer.person)
        #expect(repaired.customer.personEvidence.map(\.key) == ["phone:+8613800138000"])
        let events = try await f.store.feed(after: 0, limit: 100)
        #expect(events.count == eventsBefore + 2)
        #expect(events.suffix(2).allSatisfy { $0.type == .updated })
        #expect(events.last?.complaint?.dedup.status == .duplicate)
        #expect(try await f.store.revisions(of: call.id).count == 2)

        // The repaired store decides a new complaint with the repaired index.
        let again = try await f.add(PersonLinkingTests.complaint("c2", phone: "+8613800138000", body: PersonLinkingTests.outage,
                                                                 at: DedupStageTests.base.addingTimeInterval(120)))
        #expect(again.dedup.of == mail.id)
        let second = try await f.store.rebuildDedupIndex(f.stage, mode: .recompute, progress: nil)
        #expect(second == DedupRebuild.Report(complaints: 3, revised: 0), "the same rules decide the same verdicts")
    }
}
