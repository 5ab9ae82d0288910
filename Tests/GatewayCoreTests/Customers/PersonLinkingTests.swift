import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// Linking over a real store: the over-merges a shared or weak key used to
/// cause, and the same customer found across channels with its evidence.
@Suite("Person linking")
struct PersonLinkingTests {
    typealias Fixture = DedupStageTests.Fixture

    static func complaint(_ source: String, channel: String = "calls", email: String? = nil, phone: String? = nil,
                          account: String? = nil, body: String, signature: String? = nil,
                          at: Date = DedupStageTests.base) -> NormalizedComplaint {
        var attributes: [String: AttributeValue] = [:]
        if let signature { attributes["signature"] = .string(signature) }
        let c = Complaint(id: ComplaintIdentity.id(channel: channel, sourceID: source),
                          channel: ChannelRef(name: channel, type: channel == "calls" ? "call_log" : "email"), sourceID: source,
                          receivedAt: at, customer: Customer(email: email, phone: phone, accountID: account), body: body,
                          attributes: attributes,
                          raw: RawRef(sha256: String(repeating: "a", count: 64), size: 1, mediaType: "text/plain"))
        return NormalizedComplaint(complaint: c, fingerprint: ComplaintIdentity.fingerprint(of: c))
    }

    static let outage = "小区停电了，已经两个小时了，请尽快处理。"

    @Test("an account code on every caller of a trunk becomes shared: it stops linking and the callers it joined are split again",
          arguments: StoreEngine.available)
    func sharedAccountCode(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        var stored: [Complaint] = []
        for caller in 1...8 {
            stored.append(try await f.add(Self.complaint("c\(caller)", phone: "+86139000100\(10 + caller)", account: "TRUNK-07",
                                                         body: Self.outage, at: DedupStageTests.base.addingTimeInterval(Double(caller)))))
        }
        // Callers with different mobiles are never joined by the code alone, not even before it
        // is known shared; past the bound (3 other identities) it links nobody.
        for later in stored {
            #expect(later.dedup.status == .unique, "caller \(later.sourceID) is nobody's duplicate")
            #expect(later.customer.person != nil)
        }
        // The first caller's link to the code was made while it was theirs alone; from the second on, the code is evidence of nobody.
        #expect(stored[0].customer.personEvidence.map(\.key) == ["phone:+8613900010011", "account:TRUNK-07"])
        for later in stored.dropFirst() {
            #expect(later.customer.personEvidence.map(\.key) == [ "phone:" + later.customer.phone!])
        }
        #expect(Set(stored.compactMap(\.customer.person)).count == 8)
        let shared = try await f.store.sharedIdentities(limit: 10)
        #expect(shared.map(\.key) == ["account:TRUNK-07"])
        // The first callers, joined while the code looked like one customer's, are apart again:
        // another call from caller 1 and one from caller 2 are different persons.
        let again1 = try await f.add(Self.complaint("c1b", phone: "+8613900010011", body: "又停电了", at: DedupStageTests.base.addingTimeInterval(100)))
        let again2 = try await f.add(Self.complaint("c2b", phone: "+8613900010012", body: "又停电了", at: DedupStageTests.base.addingTimeInterval(101)))
        #expect(again1.customer.person != again2.customer.person)
        #expect(again2.dedup.status == .unique, "another caller's identical text is not a duplicate")
        // The incident counts every caller.
        let cluster = try #require(try await f.store.clusters(ClusterQuery(minimumSize: 2)).first { $0.size >= 8 })
        #expect(cluster.customers == 8)
    }

    @Test("weak evidence against a contradiction joins nobody and is shared from then on: one account on two callers' mobiles, one mobile in two senders' signatures",
          arguments: StoreEngine.available)
    func weakAgainstContradiction(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let a = try await f.add(Self.complaint("a", phone: "+8613900020001", account: "FAMILY-88", body: Self.outage))
        let b = try await f.add(Self.complaint("b", phone: "+8613900020002", account: "FAMILY-88", body: Self.outage))
        #expect(b.dedup.status == .unique, "two mobiles on one account are two customers")
        #expect(a.customer.person != b.customer.person)
        #expect(b.customer.personEvidence.map(\.key) == ["phone:+8613900020002"])
        let m1 = try await f.add(Self.complaint("m1", channel: "mail", email: "wang@corp.example.cn", body: Self.outage,
                                                signature: "王芳\n部门值班手机：139-1111-2222"))
        let m2 = try await f.add(Self.complaint("m2", channel: "mail", email: "zhao@corp.example.cn", body: Self.outage,
                                                signature: "赵强\n部门值班手机：139-1111-2222"))
        #expect(m2.dedup.status == .unique, "one duty mobile in two colleagues' signatures")
        #expect(m1.customer.person != m2.customer.person)
        // Each was just seen on two customers: shared, they link nobody from now on.
        #expect(Set(try await f.store.sharedIdentities(limit: 10).map(\.key)) == ["account:FAMILY-88", "phone:+8613911112222"])
        let form = try await f.add(Self.complaint("f1", channel: "web", account: "FAMILY-88", body: Self.outage))
        #expect(form.customer.person == nil, "whose account it is cannot be told")
        #expect(form.dedup.status == .unique)
        // Uncontradicted, a weak key does link: a form with only the account number is its holder's.
        let holder = try await f.add(Self.complaint("h1", phone: "+8613900020003", account: "SOLO-17", body: "账单有误，请核实。"))
        let byAccount = try await f.add(Self.complaint("h2", channel: "web", account: "SOLO-17", body: "账单有误，请核实。"))
        #expect(byAccount.customer.person == holder.customer.person)
        #expect(byAccount.dedup.status == .duplicate)
    }

    @Test("an account alone does not bring its holder a new address: a family member's form on the household's account is their own person",
          arguments: StoreEngine.available)
    func accountAloneAddsNoAddress(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let holder = try await f.add(Self.complaint("h1", phone: "+8613900030001", account: "HH-2046", body: Self.outage))
        let relative = try await f.add(Self.complaint("r1", channel: "web", email: "daughter@example.cn", account: "HH-2046", body: Self.outage))
        #expect(relative.customer.person != holder.customer.person)
        #expect(relative.dedup.status == .unique)
        #expect(relative.customer.personEvidence.map(\.key) == ["email:daughter@example.cn"])
        #expect(try await f.store.sharedIdentities(limit: 10).isEmpty, "nothing contradicts the account: it stays the holder's")
        let byAccount = try await f.add(Self.complaint("h2", channel: "web", account: "HH-2046", body: "电费账单有误。"))
        #expect(byAccount.customer.person == holder.customer.person)
    }

    @Test("a switchboard, a placeholder or the organisation's own number never joins two customers", arguments: StoreEngine.available)
    func weakKeys(engine: StoreEngine) async throws {
        var settings = DedupSettings()
        settings.identity.ownIdentities = [IdentityRules.ownKey("95598")!]
        let f = try await Fixture(engine, settings)
        for (n, phone) in ["+861065528888", "+8600000000000", "+8612345678901", "+8695598"].enumerated() {
            let a = try await f.add(Self.complaint("a\(n)", channel: "mail", email: "a\(n)@example.cn", phone: phone, body: Self.outage))
            let b = try await f.add(Self.complaint("b\(n)", channel: "mail", email: "b\(n)@example.cn", phone: phone, body: Self.outage))
            #expect(b.dedup.status == .unique, "\(phone) links nobody")
            #expect(a.customer.person != b.customer.person)
            #expect(b.customer.personEvidence.map(\.key) == ["email:b\(n)@example.cn"])
        }
    }

    @Test("the mobile in an email's signature is the sender's: a later call from it is the same person, with the evidence",
          arguments: StoreEngine.available)
    func signaturePhone(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let mail = try await f.add(Self.complaint("m1", channel: "mail", email: "li.lei@example.cn", body: Self.outage,
                                                  signature: "李雷\n手机：138-0013-8000\n总机：010-6552 8888"))
        let call = try await f.add(Self.complaint("c1", phone: "+8613800138000", body: "小区停电了，已经两个小时了，请尽快处理！"))
        #expect(call.dedup.status == .duplicate)
        #expect(call.dedup.of == mail.id)
        #expect(call.customer.person == mail.customer.person)
        #expect(mail.customer.personEvidence == [
            PersonEvidence(key: "email:li.lei@example.cn", kind: "email", foundIn: "customer.email"),
            PersonEvidence(key: "phone:+8613800138000", kind: "mobile", foundIn: "signature"),
        ])
        // A colleague's number in the text is not the sender's.
        let other = try await f.add(Self.complaint("m2", channel: "mail", email: "han.meimei@example.cn",
                                                   body: "停电的事请联系我同事 13900139000"))
        #expect(other.customer.personEvidence.map(\.key) == ["email:han.meimei@example.cn"])
        let colleague = try await f.add(Self.complaint("c2", phone: "+8613900139000", body: "停电的事请联系我同事 13900139000"))
        #expect(colleague.customer.person != other.customer.person)
        #expect(colleague.dedup.status == .unique)
    }

    @Test("a person's key is the same on all of their complaints, and stays when two persons turn out to be one",
          arguments: StoreEngine.available)
    func stableKey(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let byMail = try await f.add(Self.complaint("m1", channel: "mail", email: "wang@example.cn", body: "账单多扣了五十块"))
        let byCall = try await f.add(Self.complaint("c1", phone: "+8613911112222", body: "宽带断线"))
        #expect(byMail.customer.person != byCall.customer.person)
        let both = try await f.add(Self.complaint("m2", channel: "mail", email: "wang@example.cn", phone: "+8613911112222", body: "营业厅排队两小时"))
        #expect(both.customer.person == byMail.customer.person, "the older person absorbs the newer")
        let later = try await f.add(Self.complaint("c2", phone: "+8613911112222", body: "宽带又断线了，第二次投诉"))
        #expect(later.customer.person == byMail.customer.person)
        let key = try #require(byMail.customer.person)
        #expect(PersonKey.isPersonKey(key))
        #expect(!key.contains("13911112222") && !key.contains("wang"))
    }
}
