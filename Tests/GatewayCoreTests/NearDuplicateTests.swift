import Testing
@testable import GatewayCore

@Suite("Dedup text and near-duplicate rule")
struct NearDuplicateTests {
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

    static let rule = NearDuplicateRule()
    static func match(_ a: String, _ b: String) -> Double? {
        rule.match(.init(a), .init(b))
    }

    @Test("light edits match: a greeting, a typo, a sign-off (English and Chinese)")
    func lightEdits() throws {
        let english = try #require(Self.match(
            "My electricity bill for October was charged twice, please refund the second payment.",
            "Hello, my electricity bill for October was charged twice. Please refund the second paymnet! Thanks, Li"))
        #expect(english >= 0.6)
        let chinese = try #require(Self.match(
            "我的宽带已经断网三天了，客服一直没有回复，请尽快处理。",
            "您好，我的宽带已经断网三天了，客服一直没回复，请尽快处理！谢谢"))
        #expect(chinese >= 0.6)
        #expect(Self.match("同一条投诉", "同一条投诉") == 1.0)
    }

    @Test("must not match: same customer with another problem; one template with other facts")
    func mustNotMatch() {
        #expect(Self.match("我的宽带已经断网三天了，客服一直没有回复。", "上个月的话费账单多扣了钱，请退还。") == nil)
        #expect(Self.match("The technician never came for the installation appointment.",
                           "My bill for October was charged twice, please refund.") == nil)
        // Nearly identical words, different order numbers and dates: different complaints.
        let a = NearDuplicateRule.Prepared("Your order 12345 arrived damaged on 2026-11-02, I want a replacement.")
        let b = NearDuplicateRule.Prepared("Your order 67890 arrived damaged on 2026-11-09, I want a replacement.")
        #expect(a.signature.similarity(to: b.signature) > 0.5, "the texts are close")
        #expect(Self.rule.match(a, b) == nil, "but the facts differ")
        #expect(Self.match("退款 128 元还没到账", "退款 256 元还没到账") == nil)
    }

    @Test("LSH bands: matching texts share a band key, unrelated ones do not")
    func bands() {
        let a = NearDuplicateRule.Prepared("我的宽带已经断网三天了，客服一直没有回复，请尽快处理。")
        let b = NearDuplicateRule.Prepared("您好，我的宽带已经断网三天了，客服一直没回复，请尽快处理！谢谢")
        let c = NearDuplicateRule.Prepared("上个月的话费账单多扣了五十块钱，请核实后退还。")
        #expect(!Set(a.signature.bandKeys()).isDisjoint(with: b.signature.bandKeys()))
        #expect(Set(a.signature.bandKeys()).isDisjoint(with: c.signature.bandKeys()))
        #expect(a.signature.bandKeys().count == 32)
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

extension NearDuplicateTests {
    @Test("the mixer is splitmix64 (pinned against its reference output)")
    func mixer() {
        // splitmix64 seeded with 0 yields 0xe220a8397b1dcdaf first.
        #expect(MinHashSignature.mix(0) == 0xe220_a839_7b1d_cdaf)
    }
}
