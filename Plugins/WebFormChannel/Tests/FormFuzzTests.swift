import Foundation
import PropertyBased
import Testing
import GatewayCore
import GatewayTestSupport
@testable import WebFormChannel

/// Mutated form posts (urlencoded, multipart, JSON) through the channel
/// parser: no crash, one complaint or one quarantine entry per post.
@Suite("Form fuzzing")
struct FormFuzzTests {
    static let seeds: [(body: [UInt8], contentType: String)] = [
        (Array("name=%E6%9D%8E&email=a%40b.cn&topic=billing&message=hi&amount=12&submission_id=s1".utf8), "application/x-www-form-urlencoded"),
        (Array("topic=billing&message=%C4%E3%BA%C3&_charset_=gbk".utf8), "application/x-www-form-urlencoded"),
        (Array(#"{"topic":"outage","message":"停电","amount":3,"tags":["a",1.5e3],"email":"a@b.cn"}"#.utf8), "application/json"),
        (Array("--B\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\nbilling\r\n--B\r\nContent-Disposition: form-data; name=\"message\"\r\nContent-Type: text/plain; charset=gbk\r\n\r\n\u{C4}\r\n--B\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--B--\r\n".utf8), "multipart/form-data; boundary=B"),
    ]
    static let tokens: [[UInt8]] = ["&", "=", "%", "%FF", "+", "--B\r\n", "--B--", "\r\n\r\n", "\"", "{", "}", "[", "]", ",", ":", "1e400",
                                    "-0.0e-9", "99999999999999999999999999", "\\u0000", "\\ud800", "filename*=utf-8''%E5", "_charset_=iso-2022-jp&"]
        .map { Array($0.utf8) }

    @Test("mutated posts: one complaint or one quarantine entry")
    func posts() async {
        let regressions = Fuzz.regressions("forms").map { ($0, "application/x-www-form-urlencoded") }
        let seeds = Self.seeds + regressions
        await propertyCheck(count: Fuzz.cases, input: Fuzz.seed(of: seeds.count), Fuzz.edits) { seed, edits in
            let bytes = Fuzz.mutate(seeds[seed].body, with: edits, tokens: Self.tokens)
            Fuzz.record(bytes, target: "forms")
            do {
                switch try parseForm(bytes, contentType: seeds[seed].contentType) {
                case .complaint(let draft): #expect(draft.body.utf8.count <= bytes.count * 4 + 64)
                case .rejected(let rejection): #expect(!rejection.reason.isEmpty)
                case .skipped: Issue.record("a post is never skipped")
                }
            } catch is Rejection {
            } catch {
                Issue.record("not a quarantine reason: \(error)")
            }
        }
    }
}
