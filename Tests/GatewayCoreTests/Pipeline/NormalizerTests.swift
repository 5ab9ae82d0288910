import Foundation
import Testing
import ComplaintModel
import GatewayCore

@Suite("Normalizer")
struct NormalizerTests {
    static let raw = RawInput(url: URL(fileURLWithPath: "/dev/null"), sha256: String(repeating: "a", count: 64), size: 1,
                              mediaType: "text/plain", originalName: "x")

    @Test("control characters are removed from every text that reaches the feed, not only the body")
    func controlCharactersEverywhere() throws {
        let draft = ComplaintDraft(
            sourceID: "1",
            customer: Customer(name: "Li\u{0}\u{1B}[31mLei"),
            body: "body\u{0}text",
            attachments: [Attachment(filename: "bill\u{0}.pdf\u{7}", contentType: "application/pdf\u{1}", size: 3, sha256: "b")],
            attributes: ["field\u{0}name": .string("va\u{1B}lue\u{8}"), "\u{1}\u{2}": .string("gone"), "count": .int(3)],
            warnings: ["odd\u{0}charset"])
        let normalized = Normalizer().normalize(draft, channel: ChannelRef(name: "c", type: "t"), raw: Self.raw, receivedAt: Date())
        let complaint = normalized.complaint
        let json = ComplaintJSON.string(complaint)
        for scalar in json.unicodeScalars {
            #expect(scalar.value >= 0x20 || scalar == "\n" || scalar == "\t", "control U+\(String(scalar.value, radix: 16)) in \(json)" as Comment)
        }
        #expect(!json.contains("\\u0000") && !json.contains("\\u001b") && !json.contains("\\u0007"), "\(json)")
        #expect(complaint.customer.name == "Li[31mLei")
        #expect(complaint.attributes == ["fieldname": .string("value"), "count": .int(3)])
        #expect(complaint.attachments.first?.filename == "bill.pdf")
        #expect(complaint.warnings == ["oddcharset"])
    }

    @Test("attribute values keep their white space and line breaks as written; body and names are the schema's normalized text")
    func attributesAsWritten() {
        let draft = ComplaintDraft(sourceID: "1", customer: Customer(name: "  王丽 "), body: "  note\r\nline two  ",
                                   attributes: ["account": .string("  00042 "), "note": .string("a\r\nb\rc"), "bad": .string("x\u{0}y")])
        let complaint = Normalizer().normalize(draft, channel: ChannelRef(name: "c", type: "t"), raw: Self.raw, receivedAt: Date()).complaint
        #expect(complaint.attributes["account"] == .string("  00042 "))
        #expect(complaint.attributes["note"] == .string("a\r\nb\rc"))
        #expect(complaint.attributes["bad"] == .string("xy"))
        #expect(complaint.body == "note\nline two")
        #expect(complaint.customer.name == "王丽")
    }
}
