import Foundation
import Testing
@testable import GatewayCore

/// Identities a customer writes in a text, as people write them, and the
/// numbers that are not theirs.
@Suite("Identities in text")
struct TextIdentitiesTests {
    func keys(_ text: String, pattern: String? = nil) -> [String] {
        TextIdentities.keys(in: text, customerIDs: pattern.flatMap(CustomerIDPattern.init))
    }

    @Test("a mobile number however it is spelled", arguments: [
        "电话 138-0013-8000", "Tel: +86 138 0013 8000", "(0086)13800138000", "手机：１３８００１３８０００", "Mobile 8613800138000",
        "call me on 138 0013 8000.", "+86-138-0013-8000 谢谢",
    ])
    func mobiles(text: String) {
        #expect(keys(text) == ["phone:+8613800138000"], "\(text)")
    }

    @Test("numbers that are not a mobile, or not the customer's, are not keys", arguments: [
        "请联系我同事 13900139000", "my colleague's number is 13900139000", "我老公的电话13900139000", "卡号尾号 7890",
        "订单号 202611301234567", "金额 13800138000.50元", "order A13800138000B", "客服 13900139000 一直不接",
        "如果联系不上我，请联系我同事王芳，电话 139-0013-9000。", "please call my colleague Wang Fang, at +86 139 0013 9000.",
    ])
    func notTheCustomers(text: String) {
        #expect(keys(text).isEmpty, "\(text)")
    }

    @Test("in one text, the customer's own number and a colleague's")
    func ownAndColleague() {
        #expect(keys("我的手机号是13800138000，我同事的是13900139000") == ["phone:+8613800138000"])
        #expect(keys("This is my number: 13800138000") == ["phone:+8613800138000"], "'his' is not in 'this'")
        #expect(keys("我同事也停电了，我的电话 13800138000") == ["phone:+8613800138000"], "a clause of its own is not only a label")
    }

    @Test("account and card numbers after the words that introduce them, customer numbers of the configured form")
    func accounts() {
        #expect(keys("我的账号 6222 0212 3456 7890 被扣了两次") == ["account:6222021234567890"])
        #expect(keys("Account no. 12345678, charged twice") == ["account:12345678"])
        #expect(keys("编号 88886666 的问题") == [], "a number without an account word is not an account")
        #expect(keys("客户 CUS-20261234 投诉", pattern: "CUS-[0-9]{8}") == ["account:CUS-20261234"])
    }
}
