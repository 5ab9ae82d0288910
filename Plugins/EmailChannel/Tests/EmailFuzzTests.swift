import Foundation
import PropertyBased
import Testing
import GatewayCore
import GatewayTestSupport
@testable import EmailChannel

/// Mutated real messages through the MIME decoder and the whole message
/// parser: no crash, no hang, the part budget holds, and every input is a
/// complaint or a quarantine entry.
@Suite("Email fuzzing")
struct EmailFuzzTests {
    static let seeds = Fuzz.seeds(in: EmailFixtures.folder) { $0.hasSuffix(".eml") } + Fuzz.regressions("email")
    static let tokens: [[UInt8]] = [
        "\r\n", "\r\n\r\n", "\n\n", "Content-Type: multipart/mixed; boundary=\"b\"\r\n", "--b\r\n", "--b--\r\n",
        "Content-Transfer-Encoding: base64\r\n", "Content-Transfer-Encoding: quoted-printable\r\n", "Content-Type: message/rfc822\r\n\r\n",
        "=?utf-8?B?5YGc55S1?=", "=?gb2312?Q?=CD=A3=B5=E7?=", "=?iso-2022-jp?B?GyRCRnxLXDhsGyhC?=", "=?x-unknown?Q?a?=", "=?utf-8?B?",
        "filename*=utf-8''%E5%81%9C.txt", "; charset=\"gbk\"", "; charset=utf-16", "=\r\n", "=FF=0", "From: \"李\" <a@b.cn>\r\n",
        "Subject: ", "Reply-To: <>\r\n", "begin 644 x\r\n", "<html><body>", "\t", "\u{0}",
    ].map { Array($0.utf8) }

    @Test("mutated messages: a complaint or a quarantine entry, within the part budget")
    func messages() async {
        let input = RawInput(url: URL(fileURLWithPath: "/dev/null"), sha256: "", size: 0, mediaType: "message/rfc822", originalName: "fuzz.eml")
        await propertyCheck(count: Fuzz.cases, input: Fuzz.seed(of: Self.seeds.count), Fuzz.edits) { seed, edits in
            let bytes = Fuzz.mutate(Self.seeds[seed], with: edits, tokens: Self.tokens)
            Fuzz.record(bytes, target: "email")
            let started = ContinuousClock.now
            var limits = MIMEDecoder.Limits()
            limits.maxParts = 200
            if let root = try? MIMEDecoder(limits: limits).decode(bytes) {
                var parts = 0
                root.walk { _ in parts += 1 }
                #expect(parts <= 200)
            }
            switch EmailParser.event(for: bytes, location: nil, input: input, settings: EmailSettings()) {
            case .complaint(let draft): #expect(draft.body.utf8.count <= bytes.count * 4 + 64)
            case .rejected(let rejection): #expect(!rejection.reason.isEmpty)
            case .skipped: Issue.record("a message is never skipped")
            }
            #expect(ContinuousClock.now - started < .seconds(10), "a \(bytes.count)-byte message took too long")
        }
    }
}
