import Foundation
import Testing
import GatewayCore
import GatewayTestSupport
@testable import EmailChannel

@Suite("Email channel settings")
struct EmailSettingsTests {
    func toml(_ channel: String) -> String {
        "[[channel]]\nname = \"mail\"\ntype = \"email\"\n" + channel
    }

    func load(_ channel: String) throws -> [ConfiguredChannel] {
        try TestChannels.load(toml(channel), plugins: [EmailPlugin()]).channels
    }

    @Test func defaultsAreUsable() throws {
        let channels = try load("")
        #expect(channels.count == 1)
        let settings = EmailSettings()
        #expect(settings.defaultCharset.iconvName == "GB18030")
        #expect(settings.maxMessageBytes == 25 << 20)
        #expect(settings.automated == .feed)
    }

    @Test func badValuesAreRefusedWithLineAndKey() {
        let problems = TestChannels.problems(toml("default_charset = \"klingon\"\nmax_message_bytes = 10\nmax_nesting_depth = 0"),
                                             plugins: [EmailPlugin()])
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.line == 4 && $0.key?.hasSuffix("default_charset") == true && $0.message.contains("klingon") })
        #expect(problems.contains { $0.line == 5 && $0.key?.hasSuffix("max_message_bytes") == true })
        #expect(problems.contains { $0.line == 6 && $0.key?.hasSuffix("max_nesting_depth") == true })
    }

    @Test func automatedPolicyIsAChoice() {
        #expect(throws: ConfigError.self) { try load("automated = \"drop\"") }
    }
}
