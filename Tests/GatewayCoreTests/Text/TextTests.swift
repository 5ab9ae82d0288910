import Foundation
import Testing
@testable import GatewayCore

@Suite("Text clean-up and language guess")
struct TextTests {
    @Test("NFC, line ends, control characters, trimming")
    func clean() {
        // "é" as e + combining acute becomes the precomposed character.
        #expect(TextCleaner.clean("  Caf\u{65}\u{301}\r\nline\rtwo\u{0}  ") == "Caf\u{E9}\nline\ntwo")
        #expect(TextCleaner.clean("plain ascii") == "plain ascii")
        #expect(TextCleaner.cleanOrNil("   ") == nil)
        #expect(TextCleaner.clean("投诉\u{7}内容") == "投诉内容")
        // Kana with a combining voicing mark composes; precomposed text is left as it is.
        #expect(TextCleaner.clean("か\u{3099}") == "が")
        // A CJK compatibility ideograph is changed by NFC (U+F900 → U+8C48).
        #expect(TextCleaner.clean("\u{F900}") == "\u{8C48}")
    }

    @Test("the NFC shortcut agrees with real composition on stable text")
    func nfcShortcut() {
        for text in ["客户投诉：“重复扣费”，要求退款！", "Café résumé naïve", "ｆｕｌｌ　ｗｉｄｔｈ　１２３", "ひらがな カタカナ"] {
            #expect(TextCleaner.isStableUnderNFC(text))
            #expect(text.precomposedStringWithCanonicalMapping == text)
        }
        #expect(!TextCleaner.isStableUnderNFC("e\u{301}"))
        #expect(!TextCleaner.isStableUnderNFC("か\u{3099}"))
        #expect(!TextCleaner.isStableUnderNFC("\u{F900}"))
    }

    @Test("language by script", arguments: [
        ("宽带断网三天，要求减免月租", "zh"),
        ("Router outage three days in a row", "en"),
        ("客户投诉 refund please", "zh"),
        ("ルーターが壊れました", "ja"),
        ("요금이 두 번 청구되었습니다", "ko"),
        ("12345 !!", nil),
    ] as [(String, String?)])
    func language(_ text: String, _ expected: String?) {
        #expect(LanguageGuesser.guess(text) == expected)
    }
}
