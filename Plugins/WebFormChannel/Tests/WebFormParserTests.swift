import Foundation
import Testing
import ComplaintModel
import GatewayCore
@testable import WebFormChannel
import GatewayTestSupport

/// The sample channel of these tests: every field type and target.
let sampleFields = """
    honeypot = "website"
    submission_id_field = "submission_id"
    [channel.fields]
    name    = { to = "customer.name", max_length = 20 }
    email   = { to = "customer.email" }
    phone   = { to = "customer.phone" }
    account = { to = "customer.account_id" }
    topic   = { type = "choice", choices = ["billing", "outage", "服务"], required = true }
    amount  = { type = "integer" }
    subject = { to = "subject" }
    message = { to = "body", max_length = 200 }
    photo   = { to = "attachment" }
    """

/// Parses `body` as a post of `contentType` to a channel with `settings`.
func parseForm(_ body: [UInt8], contentType: String, settings: String = sampleFields,
               metadata: [String: String] = [:]) throws -> ParseEvent {
    let loaded = try TestChannels.load("[[channel]]\nname = \"web\"\ntype = \"web_form\"\n\(settings)", plugins: [WebFormPlugin()])
    let dir = try TemporaryDirectory()
    let file = dir.url.appendingPathComponent("body")
    try Data(body).write(to: file)
    let input = RawInput(url: file, sha256: Hex.sha256(body), size: body.count, mediaType: contentType,
                         originalName: "post", metadata: metadata)
    let reader = try loaded.channels[0].parser.open(input)
    let event = try #require(try reader.next())
    #expect(try reader.next() == nil, "a form post is one record")
    return event
}

func parseForm(_ body: String, contentType: String, settings: String = sampleFields, metadata: [String: String] = [:]) throws -> ParseEvent {
    try parseForm(Array(body.utf8), contentType: contentType, settings: settings, metadata: metadata)
}

extension ParseEvent {
    var draft: ComplaintDraft? { if case .complaint(let d) = self { d } else { nil } }
    var rejection: Rejection? { if case .rejected(let r) = self { r } else { nil } }
}

@Suite("Web form parser")
struct WebFormParserTests {
    static let urlencoded = "application/x-www-form-urlencoded"

    @Test("urlencoded fields map to the complaint; undeclared ones land in attributes")
    func mapping() throws {
        let body = "name=Li+Lei&email=LiLei%40Example.com&phone=138-0013-8000&account=A-77&topic=billing&amount=42"
            + "&subject=Overcharged&message=%E8%B4%A6%E5%8D%95%E9%87%8D%E5%A4%8D%E6%89%A3%E8%B4%B9&utm_source=mail"
        let draft = try #require(try parseForm(body, contentType: Self.urlencoded).draft)
        #expect(draft.customer.name == "Li Lei")
        #expect(draft.customer.email == "LiLei@Example.com")
        #expect(draft.customer.phone == "+8613800138000")
        #expect(draft.customer.accountID == "A-77")
        #expect(draft.subject == "Overcharged")
        #expect(draft.body == "账单重复扣费")
        #expect(draft.attributes["topic"] == .string("billing"))
        #expect(draft.attributes["amount"] == .int(42))
        #expect(draft.attributes["utm_source"] == .string("mail"))
        #expect(draft.sourceID.hasPrefix("body-sha256:"))
    }

    @Test("a GBK post decodes with the Content-Type charset, the _charset_ field or the channel default")
    func gbk() throws {
        // 你好 in GBK is C4 E3 BA C3; 投诉 is CD B6 CB DF.
        let body = "topic=billing&message=%C4%E3%BA%C3%2C%CD%B6%CB%DF"
        let declared = try #require(try parseForm(body, contentType: "\(Self.urlencoded); charset=GBK").draft)
        #expect(declared.body == "你好,投诉")
        #expect(declared.warnings.isEmpty)
        let field = try #require(try parseForm(body + "&_charset_=gb2312", contentType: Self.urlencoded).draft)
        #expect(field.body == "你好,投诉")
        #expect(field.attributes["_charset_"] == nil)
        let channel = try #require(try parseForm(body, contentType: Self.urlencoded, settings: "charset = \"gbk\"\n" + sampleFields).draft)
        #expect(channel.body == "你好,投诉")
        // Without any of them the bytes are not UTF-8: read in the most plausible
        // charset (here GB18030), with a warning that says so.
        let undeclared = try #require(try parseForm(body, contentType: Self.urlencoded).draft)
        #expect(undeclared.body == "你好,投诉")
        #expect(undeclared.warnings.contains { $0.contains("does not fit the bytes") && $0.contains("read as gb18030") })
    }

    @Test("a stateful charset (ISO-2022-JP) is decoded, not stored as escape sequences")
    func iso2022jp() throws {
        // 日本語の苦情 in ISO-2022-JP: ESC $ B ... ESC ( B, every byte below 0x80.
        let body = "topic=billing&message=%1B%24BF%7CK%5C8l%24N6l%3Ep%1B%28B"
        let draft = try #require(try parseForm(body, contentType: "\(Self.urlencoded); charset=iso-2022-jp").draft)
        #expect(draft.body == "日本語の苦情")
        #expect(draft.warnings.isEmpty)
        var multipart = Array("--B\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\nbilling\r\n".utf8)
        multipart += Array("--B\r\nContent-Disposition: form-data; name=\"message\"\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n".utf8)
        multipart += [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42]
        multipart += Array("\r\n--B--\r\n".utf8)
        let part = try #require(try parseForm(multipart, contentType: "multipart/form-data; boundary=B").draft)
        #expect(part.body == "日本語")
    }

    @Test("UTF-8 bytes labelled GBK are read as UTF-8 with a warning, not stored as mojibake")
    func mislabelledUTF8() throws {
        let body = "topic=billing&message=%E5%81%9C%E7%94%B5%E4%B8%89%E5%A4%A9"  // 停电三天 in UTF-8
        let draft = try #require(try parseForm(body, contentType: "\(Self.urlencoded); charset=gbk").draft)
        #expect(draft.body == "停电三天")
        #expect(draft.warnings == ["field message labelled \"gbk\" is UTF-8; read as UTF-8"])
        let channel = try #require(try parseForm(body, contentType: Self.urlencoded, settings: "charset = \"gbk\"\n" + sampleFields).draft)
        #expect(channel.body == "停电三天")
        #expect(channel.warnings.count == 1)
    }

    @Test("every bad field is listed, in declaration order")
    func validation() throws {
        let body = "name=\(String(repeating: "x", count: 21))&email=not-an-address&phone=12&topic=refund&amount=4.5"
        let rejection = try #require(try parseForm(body, contentType: Self.urlencoded).rejection)
        #expect(rejection.kind == .invalid)
        #expect(rejection.fields.map(\.field) == ["amount", "email", "message", "name", "phone", "topic"])
        #expect(rejection.fields.first { $0.field == "message" }?.message == "is required")
        #expect(rejection.fields.first { $0.field == "topic" }?.message == "must be one of: billing, outage, 服务")
        #expect(rejection.fields.first { $0.field == "name" }?.message == "must be at most 20 characters (got 21)")
        #expect(rejection.reason.hasPrefix("invalid form: amount must be a whole number"))
        #expect(rejection.excerpt?.contains("email=not-an-address") == true)
    }

    @Test("a filled honeypot is spam; an empty one is fine")
    func honeypot() throws {
        let spam = try #require(try parseForm("topic=billing&message=buy+now&website=http%3A%2F%2Fspam", contentType: Self.urlencoded).rejection)
        #expect(spam.kind == .spam)
        let human = try parseForm("topic=billing&message=real&website=", contentType: Self.urlencoded).draft
        #expect(human?.attributes["website"] == nil)
    }

    @Test("the submission id: Idempotency-Key, then the submission field, then the body digest")
    func identity() throws {
        let body = "topic=billing&message=hi&submission_id=abc-123"
        #expect(try parseForm(body, contentType: Self.urlencoded, metadata: ["idempotency_key": "K1"]).draft?.sourceID == "idempotency-key:K1")
        #expect(try parseForm(body, contentType: Self.urlencoded).draft?.sourceID == "submission:abc-123")
        let plain = try parseForm("topic=billing&message=hi", contentType: Self.urlencoded).draft
        #expect(plain?.sourceID == "body-sha256:" + Hex.sha256(Array("topic=billing&message=hi".utf8)))
    }

    @Test("multipart: text parts in their charset, files become attachments")
    func multipart() throws {
        let gbkName: [UInt8] = [0xCD, 0xB6, 0xCB, 0xDF]  // 投诉 in GBK
        var body: [UInt8] = []
        func add(_ s: String) { body += Array(s.utf8) }
        add("--XyZ\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\noutage\r\n")
        add("--XyZ\r\nContent-Disposition: form-data; name=\"message\"\r\nContent-Type: text/plain; charset=gbk\r\n\r\n")
        body += gbkName
        add("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename*=UTF-8''%E7%85%A7%E7%89%87.png\r\nContent-Type: image/png\r\n\r\n")
        body += [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        add("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"extra\"; filename=\"")
        body += gbkName
        add(".txt\"\r\n\r\nnotes\r\n--XyZ--\r\n")
        let draft = try #require(try parseForm(body, contentType: "multipart/form-data; boundary=XyZ", settings: "charset = \"gbk\"\n" + sampleFields).draft)
        #expect(draft.body == "投诉")
        #expect(draft.attachments.map(\.filename) == ["照片.png", "投诉.txt"])
        #expect(draft.attachments[0].contentType == "image/png")
        #expect(draft.attachments[0].size == 8)
        #expect(draft.attachments[0].sha256 == Hex.sha256([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(draft.attachments[1].contentType == "application/octet-stream")
    }

    @Test("a file where text is expected, and a truncated multipart body")
    func multipartProblems() throws {
        let fileAsText = "--b\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\nbilling\r\n--b\r\nContent-Disposition: form-data; name=\"message\"; filename=\"m.txt\"\r\n\r\nhello\r\n--b--"
        let invalid = try #require(try parseForm(fileAsText, contentType: "multipart/form-data; boundary=b").rejection)
        #expect(invalid.fields == [.init(field: "message", message: "must be text, not a file upload")])

        let truncated = "--b\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhello, this upload was cut"
        #expect(throws: Rejection.self) { try parseForm(truncated, contentType: "multipart/form-data; boundary=b") }
        do {
            _ = try parseForm(truncated, contentType: "multipart/form-data; boundary=b")
        } catch let error as Rejection {
            #expect(error.kind == .malformed)
            #expect(error.reason.contains("closing boundary"))
        }
        #expect(throws: Rejection.self) { try parseForm("x", contentType: "multipart/form-data") }
    }

    @Test("JSON posts: scalars and arrays of scalars; nesting and non-objects refused")
    func json() throws {
        let draft = try #require(try parseForm(#"{"topic":"outage","message":"停电三天","amount":7,"vip":true,"tags":["a","b"],"note":null}"#,
                                               contentType: "application/json").draft)
        #expect(draft.body == "停电三天")
        #expect(draft.attributes["amount"] == .int(7))
        #expect(draft.attributes["vip"] == .string("true"))
        #expect(draft.attributes["tags"] == .strings(["a", "b"]))
        #expect(draft.attributes["note"] == nil)
        let long = try #require(try parseForm(#"{"topic":"outage","message":"x","account":12345678901234567890123}"#, contentType: "application/json").draft)
        #expect(long.customer.accountID == "12345678901234567890123", "big numbers keep every digit")
        for bad in [#"["topic"]"#, #"{"message":{"nested":1}}"#, #"{"message": "x""#, String(repeating: "[", count: 100_000)] {
            #expect(throws: Rejection.self, "\(bad.prefix(30))") { try parseForm(bad, contentType: "application/json") }
        }
    }

    @Test("JSON numbers are never altered: long, exponent and fractional literals are kept as written")
    func jsonNumbersExact() throws {
        let sixty = String(repeating: "123456789", count: 6) + "987654"
        let draft = try #require(try parseForm(#"{"topic":"outage","message":"x","account":\#(sixty),"huge":1e400,"tiny":-0.000125E-3,"tags":[1.50,2]}"#,
                                               contentType: "application/json").draft)
        #expect(draft.customer.accountID == sixty, "every one of the 60 digits")
        #expect(draft.attributes["huge"] == .string("1e400"))
        #expect(draft.attributes["tiny"] == .string("-0.000125E-3"))
        #expect(draft.attributes["tags"] == .strings(["1.50", "2"]))
        // Numbers inside strings are text already and stay untouched.
        let quoted = try #require(try parseForm(#"{"topic":"outage","message":"call 95598 \"1e3\" -7"}"#, contentType: "application/json").draft)
        #expect(quoted.body == #"call 95598 "1e3" -7"#)
        for bad in [#"{"topic":"outage","message":"x","n":01}"#, #"{"topic":"outage","message":"x","n":1.}"#,
                    #"{"topic":"outage","message":"x","n":-}"#, #"{"topic":"outage","message":"x","n":1e}"#] {
            #expect(throws: Rejection.self, "\(bad)") { try parseForm(bad, contentType: "application/json") }
            do {
                _ = try parseForm(bad, contentType: "application/json")
            } catch let rejection as Rejection {
                #expect(rejection.reason.contains("is not a number"), "\(rejection.reason)")
            }
        }
    }

    @Test("a body of an unknown type is refused unless content_type is configured")
    func contentType() throws {
        #expect(throws: Rejection.self) { try parseForm("topic=billing&message=x", contentType: "application/octet-stream") }
        let draft = try parseForm("topic=billing&message=x", contentType: "application/octet-stream",
                                  settings: "content_type = \"application/x-www-form-urlencoded\"\n" + sampleFields).draft
        #expect(draft?.body == "x")
    }

    @Test("bad settings are refused with their keys")
    func settings() throws {
        let text = """
            [[channel]]
            name = "web"
            type = "web_form"
            charset = "klingon"
            rate_limit = "fast"
            cors_origins = ["www.example.com"]
            signature_secret = { env = "COMPLAINT_GATEWAY_TEST_UNSET_VARIABLE" }
            [channel.fields]
            topic = { type = "choice" }
            photo = { to = "attachment", type = "text" }
            a = { to = "subject" }
            b = { to = "subject" }
            """
        let problems = TestChannels.problems(text, plugins: [WebFormPlugin()])
        do {
            let keys = problems.compactMap(\.key)
            for key in ["charset", "fields.topic.choices", "fields.photo.type", "fields", "rate_limit", "cors_origins", "signature_secret"] {
                #expect(keys.contains { $0.hasSuffix(" \(key)") || $0.hasSuffix(".\(key)") }, "\(key) in \(keys)")
            }
            #expect(problems.contains { $0.message.contains("no field fills body") })
            #expect(problems.contains { $0.message.contains("COMPLAINT_GATEWAY_TEST_UNSET_VARIABLE is not set") })
            #expect(problems.allSatisfy { $0.line != nil }, "every problem has a line")
        }
    }
}

@Suite("Web form fixtures")
struct WebFormFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A legacy GBK page posting multipart: the text and the file name are raw GBK
    /// bytes (no charset anywhere), as old Chinese sites send them.
    @Test("a GBK multipart post with a raw GBK file name")
    func gbkMultipart() throws {
        let body = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("gbk-multipart.txt")))
        let draft = try #require(try parseForm(body, contentType: "multipart/form-data; boundary=gbkboundary",
                                               settings: "charset = \"gbk\"\n" + sampleFields).draft)
        #expect(draft.body == "停电三天了，冰箱里的东西全坏了")
        #expect(draft.attachments.first?.filename == "电表照片.jpg")
        #expect(draft.attachments.first?.size == 8)
        #expect(draft.warnings.isEmpty)
    }
}
