import Foundation
import Testing
import ComplaintModel
@testable import GatewayCore

@Suite("Dedup text, features and the near-duplicate rule")
struct DedupFeaturesTests {
    @Test("normalization folds width, case, punctuation and whitespace")
    func normalize() {
        #expect(DedupText.normalize("Ｈｅｌｌｏ，我的账单！") == DedupText.normalize("hello   我的账单"))
        #expect(DedupText.normalize("Ｈｅｌｌｏ，我的账单！") == "hello 我的账单")
        #expect(DedupText.normalize("  Bill\tcharged   TWICE!!  ") == "bill charged twice")
    }

    @Test("quoted replies and signatures are cut, in English and Chinese")
    func quotesAndSignatures() {
        #expect(DedupText.normalize("My bill is wrong.\n\nOn Mon, 20 Nov 2026, Support wrote:\n> We are sorry") == "my bill is wrong")
        #expect(DedupText.normalize("还是没有解决。\n-----原始邮件-----\n发件人: 客服\n您好") == "还是没有解决")
        #expect(DedupText.normalize("还是没有解决。\n发件人：客服\n主题：回复") == "还是没有解决")
        #expect(DedupText.normalize("Please call me.\n-- \nLi Lei\nAcme Corp") == "please call me")
        #expect(DedupText.normalize("> quoted line\nnew text") == "new text")
    }

    @Test("facts are the numbers, in order")
    func facts() {
        #expect(DedupText.facts(DedupText.normalize("账单 2026-11-20 扣费 ¥128.50 两次")) == ["2026", "11", "20", "128", "50"])
        #expect(DedupText.facts("no numbers here").isEmpty)
    }

    static func features(_ text: String, email: String? = nil, phone: String? = nil) -> DedupFeatures {
        DedupFeatures(of: Complaint(id: "x", channel: ChannelRef(name: "c", type: "t"), sourceID: "s", receivedAt: Date(),
                                    customer: Customer(email: email, phone: phone), body: text,
                                    raw: RawRef(sha256: "", size: 0, mediaType: "text/plain")))
    }

    /// The near-duplicate rule at the default threshold: similar enough, and numbers that agree.
    static func match(_ a: String, _ b: String) -> Double? {
        let fa = features(a), fb = features(b)
        guard DedupFeatures.factsCompatible(fa.facts, fb.facts) else { return nil }
        let score = DedupFeatures.similarity(fa.signature, fb.signature)
        return score >= DedupSettings().nearDuplicateThreshold ? score : nil
    }

    @Test("light edits match: a greeting, a typo, a sign-off (English and Chinese)")
    func lightEdits() throws {
        let english = try #require(Self.match(
            "My electricity bill for October was charged twice, please refund the second payment.",
            "Hello, my electricity bill for October was charged twice. Please refund the second paymnet! Thanks, Li"))
        #expect(english >= 0.5)
        let chinese = try #require(Self.match(
            "我的宽带已经断网三天了，客服一直没有回复，请尽快处理。",
            "您好，我的宽带已经断网三天了，客服一直没回复，请尽快处理！谢谢"))
        #expect(chinese >= 0.5)
        #expect(Self.match("同一条投诉", "同一条投诉") == 1.0)
    }

    @Test("must not match: same customer with another problem; one template with other facts")
    func mustNotMatch() {
        #expect(Self.match("我的宽带已经断网三天了，客服一直没有回复。", "上个月的话费账单多扣了钱，请退还。") == nil)
        #expect(Self.match("The technician never came for the installation appointment.",
                           "My bill for October was charged twice, please refund.") == nil)
        // Nearly identical words, different order numbers and dates: different complaints.
        let a = Self.features("Your order 12345 arrived damaged on 2026-11-02, I want a replacement.")
        let b = Self.features("Your order 67890 arrived damaged on 2026-11-09, I want a replacement.")
        #expect(DedupFeatures.similarity(a.signature, b.signature) > 0.5, "the texts are close")
        #expect(!DedupFeatures.factsCompatible(a.facts, b.facts), "but the facts differ")
        #expect(Self.match("Your order 12345 arrived damaged on 2026-11-02, I want a replacement.",
                           "Your order 67890 arrived damaged on 2026-11-09, I want a replacement.") == nil)
        #expect(Self.match("退款 128 元还没到账", "退款 256 元还没到账") == nil)
        // A re-send that adds a number (a phone in the sign-off) does not contradict.
        #expect(DedupFeatures.factsCompatible(["128"], ["128", "13800138000"]))
    }

    @Test("LSH bands: a lightly edited copy shares a band key, unrelated texts do not")
    func bands() {
        let a = Self.features("我家的宽带从上周五开始就一直断断续续，晚上根本没法上网，打了三次客服电话都说会派人来修，到现在也没有人联系我，请尽快安排维修。")
        let b = Self.features("我家的宽带从上周五开始就一直断断续续，晚上根本没法上网，打了三次客服电话都说会派人来修，到现在也没人联系我，请尽快安排维修！")
        let c = Self.features("上个月的话费账单多扣了五十块钱，请核实后退还。")
        #expect(!Set(a.bandKeys).isDisjoint(with: b.bandKeys))
        #expect(Set(a.bandKeys).isDisjoint(with: c.bandKeys))
        #expect(a.bandKeys.count == DedupFeatures.bands)
        #expect(a.signature.count == MinHashSignature.defaultCount)
    }

    @Test("identity keys: email lower-cased, phone, handle, account")
    func identityKeys() {
        let keys = DedupFeatures.identityKeys(of: Customer(email: " Li.Lei@Example.COM", phone: "+8613800138000",
                                                           handle: "@LiLei", accountID: "A-1"))
        #expect(keys.map(\.key) == ["email:li.lei@example.com", "phone:+8613800138000", "handle:@lilei", "account:A-1"])
        #expect(keys.map(\.field) == ["customer.email", "customer.phone", "customer.handle", "customer.account_id"])
        #expect(DedupFeatures.identityKeys(of: Customer(name: "only a name")).isEmpty)
    }

    @Test("signatures are stable across processes (stored in the index)")
    func stable() {
        let s = MinHashSignature(normalized: "hello world")
        #expect(s.values.count == 128)
        #expect(s == MinHashSignature(normalized: "hello world"))
        // Pinned (FNV-1a 64 of "abc"): a change of hashing would silently invalidate stored signatures.
        #expect(MinHashSignature.hash(Array("abc".unicodeScalars)[...]) == 0xe71fa2190541574b)
    }
}

extension DedupFeaturesTests {
    @Test("the mixer is splitmix64 (pinned against its reference output)")
    func mixer() {
        // splitmix64 seeded with 0 yields 0xe220a8397b1dcdaf first.
        #expect(MinHashSignature.mix(0) == 0xe220_a839_7b1d_cdaf)
    }
}
