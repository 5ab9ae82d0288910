@testable import EmailChannel
import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

@Suite("IMAP settings and answers")
struct IMAPSettingsTests {
    static func problems(_ imap: String, extra: String = "") -> [String] {
        setenv("CG_TEST_IMAP_SETTINGS_PASSWORD", "pw-0123456789", 1)
        return TestChannels.problems("""
            [[channel]]
            name = "mailbox"
            type = "email"
            imap = \(imap)
            \(extra)
            """, plugins: [EmailPlugin()]).map(\.description)
    }

    @Test("a password written inline is refused with what to write instead")
    func inlinePassword() {
        let problems = Self.problems(#"{ url = "imaps://mail.example.cn/INBOX", user = "c", password = "hunter2" }"#)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains("a secret is never written inline") == true, "\(problems)")
    }

    @Test("bad url, folder, after_ingest and interval are each reported; a valid table gives one source per folder")
    func validation() throws {
        let problems = Self.problems(#"{ url = "pop3://mail.example.cn", user = "c", password = { env = "CG_TEST_IMAP_SETTINGS_PASSWORD" }, folders = ["INBOX", "投诉"] }"#,
                                     extra: "after_ingest = \"delete\"\npoll_interval_seconds = 0")
        for part in ["is not imaps://HOST/FOLDER", "only ASCII folder names", "after_ingest", "poll_interval_seconds"] {
            #expect(problems.contains { $0.contains(part) }, "\(part) in \(problems)")
        }
        setenv("CG_TEST_IMAP_SETTINGS_PASSWORD", "pw-0123456789", 1)
        let channel = try TestChannels.load("""
            [[channel]]
            name = "mailbox"
            type = "email"
            imap = { url = "imaps://mail.example.cn:10993/Complaints", user = "c", password = { env = "CG_TEST_IMAP_SETTINGS_PASSWORD" }, folders = ["INBOX", "Complaints"] }
            after_ingest = "move:Processed"
            """, plugins: [EmailPlugin()]).channels[0]
        #expect(channel.remoteSources.map(\.displayName) == ["imaps://mail.example.cn:10993/INBOX", "imaps://mail.example.cn:10993/Complaints"])
        #expect(Set(channel.remoteSources.map(\.key)).count == 2)
        #expect(!channel.remoteSources.map(\.displayName).joined().contains("pw-0123456789"))
    }

    @Test("STATUS and SEARCH answers, and positions")
    func answers() {
        #expect(IMAPResponse.number(after: "UIDVALIDITY", in: "* STATUS INBOX (MESSAGES 3 UIDNEXT 9 UIDVALIDITY 1795742528)\r\n") == 1_795_742_528)
        #expect(IMAPResponse.number(after: "UIDNEXT", in: "* STATUS INBOX (MESSAGES 3 UIDNEXT 9 UIDVALIDITY 17)") == 9)
        #expect(IMAPResponse.number(after: "UNSEEN", in: "* STATUS INBOX (MESSAGES 3)") == nil)
        #expect(IMAPResponse.searchResults("* SEARCH 4 7 9\r\n") == [4, 7, 9])
        #expect(IMAPResponse.searchResults("* SEARCH\r\n").isEmpty)
        #expect(IMAPPosition("17:42")?.uid == 42 && IMAPPosition("17:42")?.validity == 17)
        #expect(IMAPPosition("x") == nil && IMAPPosition("1:2:3") == nil)
    }
}
