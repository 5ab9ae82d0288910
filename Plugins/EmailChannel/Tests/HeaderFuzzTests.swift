import Foundation
import PropertyBased
import Testing
@testable import EmailChannel
import GatewayCore
import GatewayTestSupport

/// RFC 2047 encoded words and RFC 2231 parameters from mutated real header
/// values: no crash, and decoding never multiplies the size of its input.
@Suite("Header fuzzing")
struct HeaderFuzzTests {
    static let seeds: [[UInt8]] = [
        "=?utf-8?B?5YGc55S15LqG?= =?utf-8?B?5LiJ5aSp?=", "=?GB2312?Q?=CD=A3=B5=E7?= report", "=?big5?B?pnWkdQ==?=",
        "=?iso-2022-jp?B?GyRCRnxLXDhsGyhC?=", "=?UTF-8?q?caf=C3=A9_au_lait?=", "plain text",
        "attachment; filename*=utf-8''%E8%B4%A6%E5%8D%95.pdf", "text/plain; charset=\"gbk\"; format=flowed",
        "multipart/mixed; boundary=\"=_b1\"; x*0*=us-ascii'en'a; x*1=b", "form-data; name=\"f\"; filename=\"a\\\"b.txt\"",
    ].map { Array($0.utf8) } + Fuzz.regressions("headers")
    static let tokens: [[UInt8]] = ["=?", "?=", "?B?", "?Q?", "=?utf-16?B?", "=?x?Q?", "*0*=", "*1=", "''", "%FF", "%", "\"", "\\", ";", "=", " ", "_", "=FF"]
        .map { Array($0.utf8) }

    @Test("encoded words and parameters decode to bounded text")
    func headers() async {
        await propertyCheck(count: Fuzz.cases, input: Fuzz.seed(of: Self.seeds.count), Fuzz.edits) { seed, edits in
            let bytes = Fuzz.mutate(Self.seeds[seed], with: edits, tokens: Self.tokens)
            Fuzz.record(bytes, target: "headers")
            let decoded = EncodedWords.decode(bytes, fallback: Charset(label: "gb18030")!)
            #expect(decoded.text.utf8.count <= bytes.count * 4 + 16)
            let text = String(decoding: bytes, as: UTF8.self)
            let parameters = HeaderParameters(parsing: text, fallbackCharset: .utf8)
            #expect(parameters.value.utf8.count <= text.utf8.count)
            for (_, value) in parameters.parameters { #expect(value.utf8.count <= text.utf8.count * 4 + 16) }
        }
    }
}
