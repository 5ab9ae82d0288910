import Foundation
import Testing
import ComplaintModel
@testable import GatewayCore

@Suite("Personal data masking")
struct PIIMaskTests {
    @Test("free text: addresses and long numbers masked; dates, amounts and times stay", arguments: [
        ("call me on 138 0013 8000 please", "call me on *** **** **00 please"),
        ("手机13800138000，谢谢", "手机*********00，谢谢"),
        ("+86 (10) 1234-5678 office", "+** (**) ****-**78 office"),
        ("write to li.lei+bill@mail.example.cn.", "write to l***@mail.example.cn."),
        ("since 2026-11-26 at 10:30, charged 1,280.50 yuan twice", "since 2026-11-26 at 10:30, charged 1,280.50 yuan twice"),
        ("bill 20261126 and order 4521", "bill ******26 and order 4521"),
        ("停电从 2026-11-26 10:30 到 26/11/2026 12:00", "停电从 2026-11-26 10:30 到 26/11/2026 12:00"),
        ("0755 2345 6789", "**** **** **89"),
        ("a @ b, me@localhost, 2 @ 3", "a @ b, me@localhost, 2 @ 3"),
        ("", ""),
    ])
    func scrub(input: String, expected: String) {
        #expect(PersonalTextScrubber().scrub(input) == expected)
    }

    @Test("the customer's own values are masked wherever they are quoted")
    func knownValues() {
        let scrubber = PersonalTextScrubber(known: ["王芳", "fang_w", "x"])
        #expect(scrubber.scrub("王芳 (fang_w) 投诉") == "*** (***) 投诉")
        #expect(scrubber.scrub("x marks") == "x marks", "one-character values are too common to mask")
    }

    static func complaint(channel: String) -> Complaint {
        Complaint(id: "id", channel: ChannelRef(name: channel, type: "t"), sourceID: "s", receivedAt: Date(),
                  customer: Customer(name: "王芳", email: "wangfang@example.cn", phone: "+8613912345678", handle: "fang_w", accountID: "A-1"),
                  subject: "王芳的投诉", body: "请回电 13912345678",
                  attachments: [Attachment(filename: "王芳-身份证.jpg", contentType: "image/jpeg", size: 1, sha256: "0")],
                  attributes: ["queue": .string("complaints 13900001111"), "caller_number": .string("13912345678"), "count": .int(3)],
                  raw: RawRef(sha256: "0", size: 1, mediaType: "text/plain"), warnings: ["caller 13912345678 unknown"])
    }

    @Test("attributes: shared ones kept (their text scrubbed), all others hidden; an unknown channel hides every attribute")
    func attributes() {
        let policy = PersonalDataPolicy(shared: ["pbx": ["queue", "count"]])
        let masked = PIIMask.apply(Self.complaint(channel: "pbx"), policy: policy)
        #expect(masked.customer == Customer(name: "王*", email: "w***@example.cn", phone: "+861******5678", handle: "***", accountID: "***"))
        #expect(masked.subject == "***的投诉")
        #expect(masked.body == "请回电 *********78")
        #expect(masked.attachments.first?.filename == "***-身份证.jpg")
        #expect(masked.attributes["queue"] == .string("complaints *********11"))
        #expect(masked.attributes["count"] == .int(3))
        #expect(masked.attributes["caller_number"] == .string("***"))
        #expect(masked.warnings == ["caller *********78 unknown"])

        let removed = PIIMask.apply(Self.complaint(channel: "removed-channel"), policy: policy)
        #expect(removed.attributes.values.allSatisfy { $0 == .string("***") })
    }

    @Test("a replay diff as a reader without pii sees it: the masked versions' diff, so a changed name or personal attribute never shows as typed")
    func maskedDiff() {
        let policy = PersonalDataPolicy(shared: ["pbx": ["queue"]])
        let old = Self.complaint(channel: "pbx")
        var new = old
        new.customer.name = "周女士"
        new.attributes["caller_number"] = .string("13700001111")
        new.attributes["queue"] = .string("billing")
        let diff = ComplaintDiff.between(old, new, policy: policy)
        #expect(diff.changes.contains { $0.new == "周女士" }, "the full diff, for pii")
        let shown = diff.maskedChanges.map { "\($0.path)=\($0.old)->\($0.new)" }.joined(separator: " ")
        #expect(!shown.contains("周女士") && !shown.contains("13700001111") && !shown.contains("王芳"), "\(shown)")
        #expect(shown.contains("customer.name=王*->周*"), "\(shown)")
        #expect(shown.contains("attributes.queue"), "a shared attribute's change still shows: \(shown)")
        #expect(!shown.contains("caller_number"), "a personal attribute is *** before and after: no change to show: \(shown)")
    }
}
