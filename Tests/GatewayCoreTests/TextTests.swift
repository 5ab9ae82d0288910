import Testing
import GatewayCore

@Suite("Text clean-up and language guess")
struct TextTests {
    @Test("NFC, line ends, control characters, trimming")
    func clean() {
        // "é" as e + combining acute becomes the precomposed character.
        #expect(TextCleaner.clean("  Caf\u{65}\u{301}\r\nline\rtwo\u{0}  ") == "Caf\u{E9}\nline\ntwo")
        #expect(TextCleaner.clean("plain ascii") == "plain ascii")
        #expect(TextCleaner.cleanOrNil("   ") == nil)
        #expect(TextCleaner.clean("投诉\u{7}内容") == "投诉内容")
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
