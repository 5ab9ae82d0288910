import Testing
@testable import ChannelSupport
import GatewayCore

@Suite("Choosing between readings of labelled and unlabelled bytes")
struct LabelledTextDecoderTests {
    @Test("clean text scores zero; misread bytes do not")
    func plausibility() {
        for clean in ["停电三天", "宽带ADSL断线", "Reclamação sobre a conta", "Grüße aus Köln", "日本語の苦情", "客訴處理", "Tel: +86 138-0013-8000"] {
            #expect(TextPlausibility.penalty(clean) == 0, "\(clean)")
        }
        // UTF-8 read as GBK, GBK read as Latin-1 and as UTF-8, Latin-1 read as GBK.
        #expect(TextPlausibility.penalty("鍋滅數涓夊ぉ", han: .simplified) > 0)
        #expect(TextPlausibility.penalty("ÄãºÃ") > 0)
        #expect(TextPlausibility.penalty("\u{0363}\u{02EE}") > 0)
        #expect(TextPlausibility.penalty("Reclama玢o", han: .simplified) > 0)
        #expect(TextPlausibility.penalty("a\u{FFFD}b") > 0)
    }

    @Test("a label is kept when its reading is as plausible as the UTF-8 one, and dropped when it is not")
    func labels() {
        var warnings: [String] = []
        // 停水 in GB2312 (CD A3 CB AE) is also valid UTF-8 (U+0363 U+02EE).
        #expect(LabelledTextDecoder.decode([0xCD, 0xA3, 0xCB, 0xAE], label: "gb2312", fallback: .utf8, what: "t", warnings: &warnings) == "停水")
        #expect(warnings.isEmpty)
        // 停电三天 in UTF-8, labelled GBK.
        let utf8 = Array("停电三天".utf8)
        #expect(LabelledTextDecoder.decode(utf8, label: "gbk", fallback: .utf8, what: "t", warnings: &warnings) == "停电三天")
        #expect(warnings == ["t labelled \"gbk\" is UTF-8; read as UTF-8"])
    }

    @Test("unlabelled 8-bit bytes read in the most plausible of the default, GB18030, Big5 and Latin-1")
    func unlabelled() throws {
        let gb18030 = try #require(Charset(label: "gb18030"))
        let cases: [([UInt8], String, String?)] = [
            (Array("Reclama".utf8) + [0xE7, 0xE3] + Array("o".utf8), "Reclamação", "windows-1252"),
            ([0xCD, 0xB6, 0xCB, 0xDF, 0xB5, 0xE7, 0xB7, 0xD1], "投诉电费", nil),        // GBK, the default
            ([0xAB, 0xC8, 0xB6, 0x44, 0xB3, 0x42, 0xB2, 0x7A], "客訴處理", "big5"),
        ]
        for (bytes, text, named) in cases {
            var warnings: [String] = []
            #expect(LabelledTextDecoder.decode(bytes, label: nil, fallback: gb18030, what: "t", warnings: &warnings) == text)
            #expect(warnings.count == 1)
            if let named { #expect(warnings.first?.hasSuffix("read as \(named)") == true, "\(warnings)") }
        }
    }
}
