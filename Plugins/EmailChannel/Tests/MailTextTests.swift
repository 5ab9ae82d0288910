import Foundation
import Testing
import ChannelSupport
import GatewayCore
@testable import EmailChannel

@Suite("Mail text helpers")
struct MailTextTests {
    @Test func addressLists() {
        let list = MailAddress.list(#""Smith, Bob" <bob@example.org>, =?UTF-8?B?5byg5LiJ?= <zs@example.cn>, plain@example.com (Plain Person), Team: a@x.com, b@x.com;"#)
        #expect(list == [MailAddress(name: "Smith, Bob", address: "bob@example.org"),
                         MailAddress(name: "张三", address: "zs@example.cn"),
                         MailAddress(name: "Plain Person", address: "plain@example.com"),
                         MailAddress(name: nil, address: "a@x.com"),
                         MailAddress(name: nil, address: "b@x.com")])
        #expect(MailAddress.list("undisclosed-recipients:;").isEmpty)
    }

    @Test("names before bare addresses, comments inside addresses")
    func addressesAsWrittenByHand() {
        #expect(MailAddress.list("张三 zhang@example.cn") == [MailAddress(name: "张三", address: "zhang@example.cn")])
        #expect(MailAddress.list("=?gb2312?B?1cXI/Q==?= zhang@example.cn") == [MailAddress(name: "张三", address: "zhang@example.cn")])
        #expect(MailAddress.list("Zhang San \t \"z s\"@example.cn") == [MailAddress(name: "Zhang San", address: "\"z s\"@example.cn")])
        #expect(MailAddress.list("li(sales)@example.cn(office)") == [MailAddress(name: "office", address: "li@example.cn")])
        #expect(MailAddress.list("Li <li(sales)@example.cn>") == [MailAddress(name: "Li", address: "li@example.cn")])
        #expect(MailAddress.list("li@example.cn (Li (Sales))") == [MailAddress(name: "Li (Sales)", address: "li@example.cn")])
        // A name with no address stays a name.
        #expect(MailAddress.list("Customer Service") == [MailAddress(name: "Customer Service", address: nil)])
    }

    @Test func replyTrimmingInChineseAndEnglish() {
        let zh = ReplyTrimmer.trim("电费太高了。\n\n-----原始邮件-----\n发件人: 客服\n主题: 回复\n\n已收到。")
        #expect(zh.body == "电费太高了。")
        #expect(zh.quoted?.contains("已收到") == true)
        let outlook = ReplyTrimmer.trim("Still broken.\n\nFrom: Support <s@x.com>\nSent: Monday\nTo: me\nSubject: RE: ticket\n\nWe fixed it.")
        #expect(outlook.body == "Still broken.")
        let wrote = ReplyTrimmer.trim("第三次投诉。\n\n在 2024年3月4日 10:00，客服 <s@x.cn> 写道：\n> 已处理")
        #expect(wrote.body == "第三次投诉。")
        // Only a quote: kept whole, a person sent it.
        let onlyQuote = ReplyTrimmer.trim("> forwarded complaint text")
        #expect(onlyQuote.body == "> forwarded complaint text")
        // A "From:" line in the customer's own words is not a reply header.
        #expect(ReplyTrimmer.trim("Hi,\nFrom: my flat in block 3 the noise is awful.").body.contains("block 3"))
    }

    @Test func bodyCharsetFallbacks() {
        var warnings: [String] = []
        let bytes: [UInt8] = [0xCD, 0xA3, 0xB5, 0xE7]  // 停电 in GBK
        // Unlabelled 8-bit text: the channel's default charset, with a warning.
        #expect(LabelledTextDecoder.decode(bytes, label: nil, fallback: Charset(label: "gb18030")!, what: "body", warnings: &warnings).hasPrefix("停电"))
        #expect(warnings.last?.contains("has no charset") == true)
        // A label that lies: UTF-8 bytes labelled iso-8859-1.
        warnings = []
        #expect(LabelledTextDecoder.decode(Array("Grüße".utf8), label: "iso-8859-1", fallback: .utf8, what: "body", warnings: &warnings) == "Grüße")
        #expect(warnings.first?.contains("is UTF-8") == true)
        // An unknown label on UTF-8 bytes.
        warnings = []
        #expect(LabelledTextDecoder.decode(Array("水费".utf8), label: "x-unknown", fallback: Charset(label: "gb18030")!, what: "body", warnings: &warnings) == "水费")
        #expect(warnings.first?.contains("is unknown") == true)
    }
}
