import Foundation
import CallLogChannel
import ComplaintModel
import EmailChannel
import GatewayCore
import GatewayServer
import GatewayTestSupport
import SocialFeedChannel
import Testing
import WebFormChannel

/// One complaint from every channel, read back over HTTP and through a sink:
/// a token without the `pii` scope (and a sink without `pii = true`) must not
/// see any of the personal values the inputs carry, wherever the channel put them.
@Suite("Personal data per channel")
struct PersonalDataTests {
    let client = TestHTTPClient.shared

    static let config = """
        [[channel]]
        name = "web"
        type = "web_form"
        [channel.fields]
        name     = { to = "customer.name" }
        email    = { to = "customer.email", required = true }
        phone    = { to = "customer.phone" }
        account  = { to = "customer.account_id" }
        order_no = { }
        topic    = { type = "choice", choices = ["billing", "outage"] }
        backup   = { type = "email" }
        message  = { to = "body" }

        [[channel]]
        name = "mail"
        type = "email"

        [[channel]]
        name = "pbx"
        type = "call_log"
        format = "asterisk"
        time_zone = "Asia/Shanghai"

        [[channel]]
        name = "weibo"
        type = "social_feed"
        """ + TestTokens.config

    static let eml = """
        From: =?UTF-8?B?546L6Iqz?= <wangfang@example.cn>
        To: complaints@power.example.cn
        Cc: manager.zhou@example.cn
        Subject: =?UTF-8?B?5YGc55S1?=
        Date: Thu, 26 Nov 2026 09:00:00 +0800
        Message-ID: <outage-1@example.cn>
        Content-Type: text/plain; charset=utf-8

        小区停电三天了，没人处理。

        --\u{20}
        王芳
        手机 139 1234 5678
        """.replacingOccurrences(of: "\n", with: "\r\n")

    static let cdr = #""ACC-778899","13812345678","600","from-pstn","""Zhang Wei"" <13812345678>","SIP/13812345678-1a","SIP/agent7-1b","Queue","complaints,t,,,300","2026-11-20 09:15:02","2026-11-20 09:15:20","2026-11-20 09:21:47",405,387,"ANSWERED","DOCUMENTATION","1763601302.26","""# + "\n"

    static let rss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>Complaints</title><link>https://weibo.example.cn/</link>
        <item><title>又停电</title><guid>post-9</guid><author>zhao.liu@example.cn (赵六)</author>
        <description>电表坏了，请回电 13700001111 或发邮件 zhao.liu@example.cn</description></item>
        </channel></rss>
        """

    static let form = "name=%E6%9D%8E%E9%9B%B7&email=lilei%40example.cn&phone=13800138000&account=8800123456&order_no=A1234"
        + "&topic=billing&backup=lei.backup%40example.cn&wechat=lilei_wx_2026&message=%E8%AF%B7%E6%89%93%E6%88%91%E7%94%B5%E8%AF%9D13800138000"

    /// Every personal value in the inputs above, in the forms it could appear.
    static let personal = [
        "wangfang", "王芳", "139 1234 5678", "13912345678", "manager.zhou", "complaints@power",
        "13812345678", "Zhang Wei", "ACC-778899",
        "zhao.liu", "赵六", "13700001111",
        "李雷", "lilei@", "13800138000", "8800123456", "lei.backup", "lilei_wx_2026",
    ]

    @Test("a token without pii and a sink without pii see none of any channel's personal values; declared shared attributes stay")
    func everyChannelMasked() async throws {
        let f = try ServerFixture(config: Self.config, plugins: [WebFormPlugin(), EmailPlugin(), CallLogPlugin(), SocialFeedPlugin()])
        let pipeline = IngestPipeline(archive: f.archive, store: f.store, dedup: ExactDedupStage())
        for (name, text, channel) in [("outage.eml", Self.eml, "mail"), ("Master.csv", Self.cdr, "pbx"), ("feed.xml", Self.rss, "weibo")] {
            let file = f.dir.url.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            let counts = try await pipeline.ingest(fileAt: file, channel: try #require(f.channels.first { $0.name == channel }))
            #expect(counts.new == 1, "\(channel): \(counts)")
        }
        let sinkFolder = f.dir.url.appendingPathComponent("sink")
        try await f.withServer { base in
            let posted = try await client.post(base.appending(path: "v1/forms/web"), Self.form)
            #expect(posted.status == 202)

            let reader = TestTokens.bearer(TestTokens.reader), analyst = TestTokens.bearer(TestTokens.analyst)
            let masked = try await client.send("GET", base.appending(path: "v1/complaints"), headers: reader)
            #expect(masked.status == 200)
            let events = try #require(masked.json["events"] as? [[String: Any]])
            #expect(events.count == 4)
            for value in Self.personal {
                #expect(!masked.text.contains(value), "the feed without pii shows \(value)")
            }
            var details = ""
            for event in events {
                let id = try #require((event["data"] as? [String: Any])?["id"] as? String)
                details += try await client.send("GET", base.appending(path: "v1/complaints/\(id)"), headers: reader).text
            }
            for value in Self.personal {
                #expect(!details.contains(value), "a complaint's detail without pii shows \(value)")
            }
            // What stays readable: declared, non-personal attributes and the complaint text.
            #expect(masked.text.contains("A1234"), "a declared attribute is shared")
            #expect(masked.text.contains("\"queue\":\"complaints\""))
            #expect(masked.text.contains("小区停电三天了"))
            #expect(masked.text.contains("\"wechat\":\"***\""), "an undeclared field is masked, its key kept")

            // With pii, everything is there: the inputs really carried these values.
            let full = try await client.send("GET", base.appending(path: "v1/complaints"), headers: analyst)
            for value in ["wangfang", "王芳", "13812345678", "赵六", "lilei_wx_2026", "8800123456", "manager.zhou"] {
                #expect(full.text.contains(value), "the pii feed lacks \(value)")
            }
        }

        // A sink without pii delivers what the masked API shows.
        let sink = SinkSettings(name: "files", kind: .ndjson, path: sinkFolder)
        let service = SinkService(sink: sink, store: f.store, delivery: try makeDelivery(for: sink, privacy: PersonalDataPolicy(channels: f.channels)),
                                  logger: .init(label: "test.sink"))
        #expect(try await service.deliverPending())
        let files = try FileManager.default.contentsOfDirectory(at: sinkFolder, includingPropertiesForKeys: nil)
        let delivered = try files.map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        #expect(delivered.split(separator: "\n").count == 4)
        for value in Self.personal {
            #expect(!delivered.contains(value), "the sink without pii delivered \(value)")
        }
    }
}
