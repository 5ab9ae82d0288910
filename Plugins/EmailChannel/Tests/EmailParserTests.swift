import Foundation
import Testing
import ComplaintModel
import GatewayCore
@testable import EmailChannel

@Suite("Email parser")
struct EmailParserTests {
    @Test func chineseReplyInGB2312LabelsWithGBKCharacters() throws {
        let draft = try EmailFixtures.draft("gbk-reply.eml")
        // 祐 is not in GB2312: the label is read as GB18030.
        #expect(draft.subject == "宽带断线投诉（梁祐晟）")
        #expect(draft.customer.name == "梁祐晟")
        #expect(draft.customer.email == "Liang.YS@Example.CN")
        #expect(draft.body == "您好：\r\n我的宽带从11月20日起每天晚上断线，工单号 A-20231120-778，至今没有人上门处理。\r\n请尽快解决，否则我将向工信部投诉。"
                    .replacingOccurrences(of: "\r\n", with: "\n"))
        // The quoted Foxmail block and the signature are kept aside, not lost.
        #expect(draft.attributes["quoted_text"]?.stringValue?.contains("您的问题已受理") == true)
        #expect(draft.attributes["signature"]?.stringValue?.contains("13800138000") == true)
        #expect(draft.occurredAt == Date(timeIntervalSince1970: 1_700_612_100))  // 2023-11-22T00:15:00Z
        #expect(draft.sourceID == "20231122081500.1234@mail.example.cn")
        // The thread is named by its first message, so every follow-up shares the key.
        #expect(draft.thread == ThreadRef(key: "first-1@mail.example.cn", inReplyTo: "reply-1@isp.example.cn",
                                          references: ["first-1@mail.example.cn", "reply-1@isp.example.cn"]))
        #expect(draft.automated == nil)
    }

    @Test("a GB2312 label is kept when its bytes also happen to be valid UTF-8 (停水 reads as ͣˮ in UTF-8)")
    func gb2312WordsThatAreValidUTF8KeepTheirLabel() throws {
        let draft = try EmailFixtures.draft("gb2312-words-valid-utf8.eml")
        #expect(draft.subject == "停水")
        #expect(draft.customer.name == "卢平")
        #expect(draft.body == "小区从早上八点开始停水，到现在还没有恢复。")
        #expect(!draft.warnings.contains { $0.contains("is UTF-8") })
    }

    @Test("a raw Latin-1 subject without a label reads as Latin-1, not as GB18030 (the channel's default)")
    func rawLatin1SubjectIsNotChineseMojibake() throws {
        let draft = try EmailFixtures.draft("latin1-raw-subject.eml")
        #expect(draft.subject == "Reclamação sobre a conta de luz")
        #expect(draft.body == "A conta deste mês veio em dobro. Não concordo com a cobrança.")
        #expect(draft.warnings.contains { $0.contains("Subject") && $0.contains("windows-1252") })
    }

    @Test("a display name before a bare address, comments in addresses, a folded encoded subject")
    func addressesWithoutAngleBracketsAndFoldedSubject() throws {
        let draft = try EmailFixtures.draft("addresses-without-brackets.eml")
        #expect(draft.customer.name == "张三")
        #expect(draft.customer.email == "zhang.san@example.cn")
        #expect(draft.attributes["to"]?.stringValue == "li@example.cn, wang.wu@example.cn")
        // "Re:" CRLF TAB "=?utf-8?…?=": the fold's tab is white space, not text.
        #expect(draft.subject == "Re: 宽带断线")
    }

    @Test func htmlOnlyMailBecomesText() throws {
        let draft = try EmailFixtures.draft("html-only.eml")
        #expect(draft.body == "Dear support,\n\nMy order #1234 arrived broken & late.\nPlease refund £25.\n\nThanks…\nJane")
        #expect(!draft.body.contains("alert"))
        #expect(!draft.body.contains("ignored title"))
        #expect(draft.attributes["body_from_html"] == .bool(true))
        // "3 Mar 2024 10:00 -0500": no weekday, no seconds.
        #expect(draft.occurredAt == Date(timeIntervalSince1970: 1_709_478_000))
    }

    @Test func englishReplyTrimsQuoteAndPrefersReplyTo() throws {
        let draft = try EmailFixtures.draft("english-reply.eml")
        #expect(draft.body == "My card was blocked again this morning at the supermarket.\nThis is the third time this month.")
        #expect(draft.attributes["quoted_text"]?.stringValue?.contains("We have unblocked your card.") == true)
        #expect(draft.customer.email == "bob.smith@example.org")
        #expect(draft.customer.name == "Bob Smith")
        #expect(draft.attributes["from"] == .string("no-reply@forms.example"))
        #expect(draft.thread?.key == "bob-1@example.org")
        #expect(draft.thread?.references == ["bob-1@example.org", "bank-1@bank.example"])
    }

    @Test(arguments: [("auto-reply.eml", AutomatedKind.autoReply), ("list.eml", .list), ("bounce.eml", .bounce)])
    func automatedMailIsFlaggedNotDropped(file: String, kind: AutomatedKind) throws {
        let draft = try EmailFixtures.draft(file)
        #expect(draft.automated == kind)
        #expect(!draft.body.isEmpty)
    }

    @Test func automatedMailCanBeHeldInQuarantine() throws {
        var settings = EmailSettings()
        settings.automated = .quarantine
        let events = try EmailFixtures.events("auto-reply.eml", settings: settings)
        guard case .rejected(let rejection)? = events.first else {
            Issue.record("expected a quarantined event, got \(events)")
            return
        }
        #expect(rejection.kind == .held)
        #expect(rejection.reason.contains("auto_reply"))
        // A person's mail on the same channel still goes through.
        #expect(try EmailFixtures.draft("english-reply.eml", settings: settings).automated == nil)
    }

    @Test func attachmentsAreListedWithDigests() throws {
        let draft = try EmailFixtures.draft("attachments.eml")
        #expect(draft.subject == "电费异常")
        #expect(draft.body == "电费账单金额异常，附件是账单。")
        let pdf = [UInt8](repeating: 0, count: 0) + Array(String(repeating: "%PDF-1.4 fake pdf bytes\n", count: 10).utf8)
        let png = (0...255).map(UInt8.init)
        #expect(draft.attachments.count == 3)
        #expect(draft.attachments[0] == Attachment(filename: "投诉材料.pdf", contentType: "application/pdf", size: pdf.count, sha256: Hex.sha256(pdf)))
        #expect(draft.attachments[1] == Attachment(filename: "电表照片.png", contentType: "image/png", size: 256, sha256: Hex.sha256(png)))
        #expect(draft.attachments[2].contentType == "message/rfc822")
        #expect(draft.attachments[2].filename == "Meter reading.eml")
    }

    @Test func unclosedMultipartStillGivesItsText() throws {
        let draft = try EmailFixtures.draft("unclosed-multipart.eml")
        #expect(draft.body == "The water supply has been cut for two days.")
        #expect(draft.warnings.contains { $0.contains("no closing boundary") })
    }

    @Test func wrongBoundaryAndBrokenDateAreWarningsNotFailures() throws {
        let draft = try EmailFixtures.draft("wrong-boundary.eml")
        #expect(draft.body.contains("My bill is wrong."))
        #expect(draft.occurredAt == nil)
        #expect(draft.warnings.contains { $0.contains("never occurs") })
        #expect(draft.warnings.contains { $0.contains("Date \"yesterday at noon\" is not a date") })
    }

    @Test func mboxGivesEachMessageAndQuarantinesTheBadOnes() throws {
        var settings = EmailSettings()
        settings.maxMessageBytes = 4096
        let events = try EmailFixtures.events("mailbox.mbox", settings: settings)
        #expect(events.count == 5)
        guard events.count == 5 else { return }
        guard case .complaint(let first) = events[0], case .complaint(let second) = events[1],
              case .rejected(let noHeader) = events[2], case .rejected(let tooBig) = events[3],
              case .complaint(let last) = events[4] else {
            Issue.record("unexpected events \(events)")
            return
        }
        // mboxrd: one ">" removed from escaped From lines.
        #expect(first.body == "Line one.\nFrom the start, this was escaped.\n>From twice.\nEnd of message.")
        #expect(first.location == "message 1 (byte 0)")
        // Content-Length covers a body line starting with "From ".
        #expect(second.body == "Body with a line that\nFrom here on looks like a separator.")
        #expect(noHeader.reason.contains("not an email message"))
        #expect(noHeader.location?.hasPrefix("message 3") == true)
        #expect(tooBig.reason.contains("over max_message_bytes"))
        #expect(last.subject == "last")
    }

    @Test func maildirFileNameFlagsAreKept() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("maildir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["new", "cur", "tmp", ".Escalated/cur"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let message = Data("From: a@example.com\nSubject: s\nMessage-ID: <md-1@example.com>\n\nNo power since noon.\n".utf8)
        try message.write(to: dir.appendingPathComponent("cur/1700000000.M1P1.host:2,RS"))
        try message.write(to: dir.appendingPathComponent("new/1700000001.M2P2.host"))
        try message.write(to: dir.appendingPathComponent("tmp/1700000002.M3P3.host"))  // being delivered
        try message.write(to: dir.appendingPathComponent(".Escalated/cur/1700000003.M4P4.host;2,F"))
        let found = try MaildirSource.messages(in: dir)
        #expect(found.map(\.folder) == ["INBOX", "INBOX", "Escalated"])
        #expect(found.map(\.flags) == [[], ["Replied", "Seen"], ["Flagged"]])
        #expect(try EmailPlugin().inputFiles(in: dir).files.count == 3)
        let events = try EmailFixtures.events(found[1].url)
        guard case .complaint(let draft)? = events.first else { Issue.record("\(events)"); return }
        #expect(draft.attributes["maildir_flags"] == .string("Replied,Seen"))
    }

    @Test("a Maildir never yields a link or a FIFO, and is not followed into a linked folder")
    func maildirSkipsLinksAndFIFOs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("maildir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outside = dir.appendingPathComponent("outside")
        for sub in ["box/new", "box/cur", "outside/cur"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let secret = outside.appendingPathComponent("cur/secret")
        try Data("From: root@example.com\n\nsecret\n".utf8).write(to: secret)
        try Data("From: a@example.com\n\nok\n".utf8).write(to: dir.appendingPathComponent("box/new/1.M1.host"))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("box/new/2.M2.host"), withDestinationURL: secret)
        #expect(mkfifo(dir.appendingPathComponent("box/cur/3.M3.host:2,S").path, 0o600) == 0)
        // A Maildir++ sub-folder that is a link out of the tree.
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("box/.Linked"), withDestinationURL: outside)
        let listing = try EmailPlugin().inputFiles(in: dir.appendingPathComponent("box"))
        #expect(listing.files.map(\.lastPathComponent) == ["1.M1.host"])
        #expect(Set(listing.skipped.map(\.kind)) == [.symlink, .fifo])
    }

    @Test("an mbox whose first message never ends a line is read in bounded pieces and is over the limit")
    func mboxEndlessLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("endless.mbox")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let out = try FileHandle(forWritingTo: url)
        out.write(Data("From attacker@example.com Mon Jan  1 00:00:00 2024 ".utf8))
        let block = Data(repeating: UInt8(ascii: "A"), count: 1 << 20)
        for _ in 0..<12 { out.write(block) }  // 12 MiB, no line feed anywhere
        try out.close()
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let reader = MboxReader(handle: handle, maxMessageBytes: 1 << 20)
        let message = try #require(try reader.next())
        #expect(message.separator.utf8.count <= MboxReader.maxSeparatorBytes)
        #expect(message.bytes == nil, "over max_message_bytes, not held in memory")
        #expect(message.size > 10 << 20)
        #expect(try reader.next() == nil)
    }

    @Test func fileWithoutHeadersIsQuarantined() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("email-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("notes.txt")
        try Data("just some notes\nwithout any header\n".utf8).write(to: file)
        let events = try EmailFixtures.events(file)
        guard case .rejected(let rejection)? = events.first else { Issue.record("\(events)"); return }
        #expect(rejection.reason.contains("no header fields"))
    }

    @Test func messageWithoutMessageIDIsIdentifiedByItsBytes() throws {
        let a = try EmailFixtures.draft(text: "From: x@example.com\nSubject: no id\n\nThe meter is broken.\n")
        let b = try EmailFixtures.draft(text: "From: x@example.com\nSubject: no id\n\nThe meter is broken.\n")
        let c = try EmailFixtures.draft(text: "From: x@example.com\nSubject: no id\n\nThe meter is broken!\n")
        #expect(a.sourceID.hasPrefix("sha256:"))
        #expect(a.sourceID == b.sourceID)
        #expect(a.sourceID != c.sourceID)
        #expect(a.warnings.contains { $0.contains("no Message-ID") })
    }

    @Test func rawEightBitHeadersUseTheMessageCharset() throws {
        // A Big5 mailer: raw Big5 bytes in Subject and From, charset=big5 only on the body.
        var bytes = Array("From: ".utf8) + [0xBE, 0x69, 0xBC, 0xD6, 0xA6, 0x68] + Array(" <c@example.tw>\nSubject: ".utf8)
        bytes += [0xAB, 0xC8, 0xB6, 0x44] + Array("\nMessage-ID: <b5@example.tw>\nContent-Type: text/plain; charset=big5\n\n".utf8)
        bytes += [0xB0, 0xB1, 0xB9, 0x71, 0x0A]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("email-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big5.eml")
        try Data(bytes).write(to: file)
        guard case .complaint(let draft)? = try EmailFixtures.events(file).first else { Issue.record("no complaint"); return }
        #expect(draft.customer.name == "養樂多")
        #expect(draft.subject == "客訴")
        #expect(draft.body == "停電")
    }

    @Test func hugeHeaderOfEncodedWordsIsLinear() throws {
        // 135 KB of encoded words in one Subject: must not be quadratic.
        let word = "=?UTF-8?B?" + Data("投诉".utf8).base64EncodedString() + "?= "
        let subject = String(repeating: word, count: 135_000 / word.utf8.count)
        let start = Date()
        let draft = try EmailFixtures.draft(text: "From: a@example.com\nSubject: \(subject)\nMessage-ID: <big@x>\n\nbody\n")
        #expect(draft.subject?.hasPrefix("投诉投诉") == true)
        #expect(draft.subject?.count == 2 * (135_000 / word.utf8.count))
        #expect(Date().timeIntervalSince(start) < 10)
    }
}
