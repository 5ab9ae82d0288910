import Foundation
import Testing
import ComplaintModel
@testable import GatewayCore

/// Which keys link: kinds, placeholders, the organisation's own numbers.
@Suite("Identity rules")
struct IdentityRulesTests {
    @Test("mobiles, emails, accounts and handles link; landlines, service lines and numbers with extensions do not")
    func kinds() {
        let rules = IdentityRules()
        #expect(rules.linkingKind(of: "phone:+8613800138000") == .mobile)
        #expect(rules.linkingKind(of: "phone:+85291234567") == .mobile)
        #expect(rules.linkingKind(of: "phone:+14155552671") == .phone)
        #expect(rules.linkingKind(of: "email:li.lei@example.cn") == .email)
        #expect(rules.linkingKind(of: "account:A10086") == .account)
        #expect(rules.linkingKind(of: "handle:o6_bmjrptiz") == .handle)
        for landline in ["phone:+861065528888", "phone:+864008123456", "phone:+8602165528888123", "phone:+85223456789"] {
            #expect(rules.linkingKind(of: landline) == nil, "\(landline)")
        }
    }

    @Test("placeholders never link", arguments: [
        "phone:+8600000000000", "phone:+8611111111111", "phone:+8612345678901", "email:noreply@example.cn", "email:aaa@qq.com",
        "account:0000", "account:123456789", "account:n/a", "account:未知", "handle:anonymous",
    ])
    func placeholders(key: String) {
        #expect(IdentityRules().linkingKind(of: key) == nil, "\(key)")
    }

    @Test("the organisation's own numbers and addresses, and configured placeholders, never link")
    func configured() throws {
        var settings = IdentitySettings()
        settings.ownIdentities = Set(["+86 10 6552 8888", "95588", "13900000001", "service@bank.cn", "@ourcompany.cn"].compactMap(IdentityRules.ownKey))
        settings.placeholders = [IdentityRules.placeholderForm("139-1234-5678")]
        let rules = IdentityRules(settings: settings)
        #expect(rules.linkingKind(of: "phone:+8613900000001") == nil)
        #expect(rules.linkingKind(of: "phone:+8613912345678") == nil)
        #expect(rules.linkingKind(of: "email:service@bank.cn") == nil)
        #expect(rules.linkingKind(of: "email:zhang.wei@ourcompany.cn") == nil)
        #expect(rules.linkingKind(of: "email:zhang.wei@customer.cn") == .email)
        #expect(rules.linkingKind(of: "phone:+8613800138000") == .mobile)
    }

    @Test("a complaint's identities: its fields first, then what the customer wrote, with where each was found")
    func evidence() {
        let c = Complaint(id: "x", channel: ChannelRef(name: "mail", type: "email"), sourceID: "s", receivedAt: Date(),
                          customer: Customer(email: "li.lei@example.cn", phone: "+861065528888"),
                          body: "发票开错了，请尽快处理。", attributes: ["signature": .string("李雷\n手机 138-0013-8000\n总机 010-6552 8888")],
                          raw: RawRef(sha256: String(repeating: "a", count: 64), size: 1, mediaType: "message/rfc822"))
        #expect(IdentityRules().identities(of: c) == [
            PersonEvidence(key: "email:li.lei@example.cn", kind: "email", foundIn: "customer.email"),
            PersonEvidence(key: "phone:+8613800138000", kind: "mobile", foundIn: "signature"),
        ])
    }
}
