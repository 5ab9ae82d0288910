import Benchmark
import Foundation
import ComplaintModel
import GatewayCore
import ChannelSupport
import CallLogChannel
import EmailChannel
import SocialFeedChannel

/// The channels' parsers, stage by stage: MIME parsing alone, the email
/// plugin on an mbox (parse, decode, map), RFC 2047 header words, charset
/// choice by plausibility, feed parsing (RSS and Atom, libxml2's SAX2 parser),
/// HTML to text (libxml2's HTML parser), the feed plugin, the CSV reader on
/// Asterisk rows, and dedup features (normalization, MinHash, LSH bands) —
/// all on inputs built in memory. End-to-end figures beside other parsers are
/// `scripts/bench-parse`'s.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        maxDuration: .seconds(5),
        maxIterations: 50
    )

    let messages = (0..<1000).map(MailFixture.message)
    let mbox = MailFixture.mbox(messages)

    Benchmark("MIMEDecoder: 1k mixed messages (tree only)") { benchmark in
        for _ in benchmark.scaledIterations {
            var parts = 0
            for m in messages { parts += try MIMEDecoder().decode(m).children.count }
            blackHole(parts)
        }
    }

    Benchmark("email plugin: 1k-message mbox to drafts") { benchmark in
        let (url, channel) = try ChannelFixture.channel(type: "email", bytes: mbox, extension: "mbox")
        defer { try? FileManager.default.removeItem(at: url) }
        let input = RawInput(url: url, sha256: "", size: mbox.count, mediaType: "application/mbox", originalName: "bench.mbox")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let reader = try channel.parser.open(input)
            var n = 0
            while let e = try reader.next() { if case .complaint = e { n += 1 } }
            blackHole(n)
        }
    }

    Benchmark("EncodedWords: 10k GB2312/UTF-8 subjects") { benchmark in
        let subjects = (0..<10_000).map { i in
            i % 2 == 0 ? "=?gb2312?B?v+20+LbPz9/Ntsvfo6jBurV26smjqQ==?=" : "=?UTF-8?Q?=E7=94=B5=E8=B4=B9?= =?UTF-8?B?5byC5bi4?= \(i)"
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for s in subjects { blackHole(EncodedWords.decode(s).text) }
        }
    }

    Benchmark("LabelledTextDecoder: 10k GB2312 words that are also valid UTF-8") { benchmark in
        // 停水 (CD A3 CB AE) reads as U+0363 U+02EE in UTF-8: the label must win on plausibility.
        let words = (0..<10_000).map { i -> [UInt8] in i % 2 == 0 ? [0xCD, 0xA3, 0xCB, 0xAE] : Array("停电\(i)".utf8) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var warnings: [String] = []
            for w in words { blackHole(LabelledTextDecoder.decode(w, label: "gb2312", fallback: .utf8, what: "b", warnings: &warnings)) }
        }
    }

    Benchmark("HTMLText: 5k feed descriptions (libxml2 HTML parser)") { benchmark in
        let html = (0..<5000).map { "<p>宽带又断了，客服电话打不通，工单号\($0)。</p><p><b>Charged twice</b> for order \($0) &amp; no refund&hellip;</p>" }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for h in html { blackHole(HTMLText.text(h)) }
        }
    }

    Benchmark("CSVRecordReader: 100k Asterisk CDR rows") { benchmark in
        var csv = ""
        for i in 0..<100_000 {
            csv += "\"\",\"1380013\(String(format: "%04d", i % 10_000))\",\"400\",\"complaints\",\"\"\"Zhang San\"\" <1380013\(i % 10_000)>\",\"SIP/trunk-\(i)\",\"SIP/agent-7\","
            csv += "\"Queue\",\"complaints,t\",\"2024-03-04 09:00:00\",\"2024-03-04 09:00:05\",\"2024-03-04 09:03:00\",180,175,\"ANSWERED\",\"DOCUMENTATION\",\"\(i).1\",\"\"\n"
        }
        let bytes = Array(csv.utf8)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var reader = CSVRecordReader()
            var rows = 0
            var offset = 0
            while offset < bytes.count {
                reader.feed(bytes[offset..<min(bytes.count, offset + 65_536)])
                offset += 65_536
                while let event = reader.nextEvent() { if case .record = event { rows += 1 } }
            }
            reader.finish()
            while let event = reader.nextEvent() { if case .record = event { rows += 1 } }
            blackHole(rows)
        }
    }

    let rss = FeedFixture.rss(items: 5000)
    let atom = FeedFixture.atom(items: 5000)

    Benchmark("XMLFeedReader: RSS 2.0, 5k items") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try XMLFeedReader.read(rss).entries.count)
        }
    }

    Benchmark("XMLFeedReader: Atom 1.0, 5k entries") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try XMLFeedReader.read(atom).entries.count)
        }
    }

    Benchmark("social_feed plugin: RSS 5k items to drafts") { benchmark in
        let (url, channel) = try ChannelFixture.channel(type: "social_feed", bytes: Array(rss), extension: "xml")
        defer { try? FileManager.default.removeItem(at: url) }
        let input = RawInput(url: url, sha256: "", size: rss.count, mediaType: "application/xml", originalName: "bench.xml")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let reader = try channel.parser.open(input)
            var n = 0
            while let e = try reader.next() { if case .complaint = e { n += 1 } }
            blackHole(n)
        }
    }

    Benchmark("DedupFeatures: 1k complaints (normalize, MinHash, bands)") { benchmark in
        let complaints = (0..<1000).map { n in
            Complaint(id: "c\(n)", channel: ChannelRef(name: "mail", type: "email"), sourceID: "s\(n)",
                      receivedAt: Date(timeIntervalSince1970: 1_763_600_000 + Double(n)),
                      customer: Customer(email: "user\(n % 300)@example.cn"),
                      body: n % 2 == 0 ? "我家的宽带从昨天晚上开始一直断线，工单号\(n)，请尽快派人维修。客服电话打不通。"
                                       : "My broadband has been dropping every evening since Monday, ticket \(n). Please send an engineer.",
                      raw: RawRef(sha256: String(repeating: "a", count: 64), size: 1, mediaType: "message/rfc822"))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for c in complaints { blackHole(DedupFeatures(of: c)) }
        }
    }
}

enum ChannelFixture {
    static func channel(type: String, bytes: [UInt8], extension ext: String) throws -> (URL, ConfiguredChannel) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cg-bench-\(UUID().uuidString).\(ext)")
        try Data(bytes).write(to: url)
        let loaded = try ConfigLoader(registry: PluginRegistry([EmailPlugin(), SocialFeedPlugin()])).load(
            text: "[[channel]]\nname = \"bench\"\ntype = \"\(type)\"\n", file: "bench", baseDirectory: FileManager.default.temporaryDirectory)
        return (url, loaded.channels[0])
    }
}

/// Mixed messages: base64 GB2312 text, quoted-printable UTF-8 HTML in an
/// alternative, a reply with a quote, one in five with a 4 KB attachment.
enum MailFixture {
    static let gbkBody = "ztK80rXEv+20+LTT1/LM7M3tyc+/qsq80rvWsbbPz9+jrLmktaW6xdLRzOG9u6Oss6y5/cquzOyhow=="

    static func message(_ i: Int) -> [UInt8] {
        var m = "From: =?gb2312?B?wbq1durJ?= <user\(i % 300)@example.cn>\r\nTo: complaints@isp.example\r\n"
        m += "Subject: =?gb2312?B?v+20+LbPz9/Ntsvfo6jBurV26smjqQ==?= \(i)\r\nDate: Wed, 22 Nov 2023 08:15:00 +0800\r\n"
        m += "Message-ID: <bench-\(i)@example.cn>\r\nMIME-Version: 1.0\r\n"
        switch i % 3 {
        case 0:
            m += "Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n\(gbkBody)\r\n"
        case 1:
            m += "Content-Type: multipart/alternative; boundary=\"b\(i)\"\r\n\r\n--b\(i)\r\nContent-Type: text/plain; charset=utf-8\r\n"
            m += "Content-Transfer-Encoding: quoted-printable\r\n\r\nMy card was blocked again, ticket \(i).=0D=0A=E8=AF=B7=E5=B0=BD=E5=BF=AB=E5=A4=84=E7=90=86\r\n"
            m += "\r\n--b\(i)\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>My card was blocked again, ticket \(i).</p>\r\n--b\(i)--\r\n"
        default:
            m += "Content-Type: text/plain; charset=utf-8\r\n\r\nStill broken after your fix, order \(i).\r\n\r\nOn Mon, 4 Mar 2024 at 09:00, Support <s@x.com> wrote:\r\n"
            m += String(repeating: "> We have fixed the problem on our side.\r\n", count: 10)
        }
        var bytes = Array(m.utf8)
        if i % 5 == 0 {
            let attachment = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }).base64EncodedString(options: .lineLength76Characters)
            let wrapped = "Content-Type: multipart/mixed; boundary=\"m\(i)\"\r\n\r\n--m\(i)\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--m\(i)\r\n"
                + "Content-Type: image/jpeg; name=\"photo\(i).jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\(attachment)\r\n--m\(i)--\r\n"
            let head = "From: user\(i)@example.com\r\nSubject: photo \(i)\r\nMessage-ID: <bench-att-\(i)@example.com>\r\nMIME-Version: 1.0\r\n"
            bytes = Array((head + wrapped).utf8)
        }
        return bytes
    }

    static func mbox(_ messages: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for m in messages {
            out += Array("From bench@example.com Mon Nov  2 10:00:00 2026\n".utf8)
            out += m.filter { $0 != 0x0D }
            out += [0x0A, 0x0A]
        }
        return out
    }
}

enum FeedFixture {
    static func rss(items: Int) -> Data {
        var s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
        s += "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>mentions</title><link>https://social.example.com/</link>\n"
        for i in 0..<items {
            let text = i % 2 == 0 ? "宽带又断了，客服电话打不通，工单号\(i)。" : "Charged twice for order \(i), please refund."
            s += "<item><title>\(text.prefix(12))</title><link>https://social.example.com/p/\(i)</link><guid isPermaLink=\"false\">p-\(i)</guid>"
            s += "<pubDate>Mon, 04 Mar 2024 09:00:00 +0800</pubDate><dc:creator>@user\(i % 977)</dc:creator><description>\(text)</description>"
            s += "<content:encoded><![CDATA[<p>\(text)</p><p>\(text)</p>]]></content:encoded></item>\n"
        }
        return Data((s + "</channel></rss>\n").utf8)
    }

    static func atom(items: Int) -> Data {
        var s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://forum.example.com/\"><title>forum</title>\n"
        for i in 0..<items {
            s += "<entry><id>tag:forum.example.com,2024:\(i)</id><title type=\"html\">Billing &lt;b&gt;error&lt;/b&gt; \(i)</title><link href=\"t/\(i)\"/>"
            s += "<updated>2024-03-04T09:00:00Z</updated><author><name>user\(i % 977)</name><uri>https://forum.example.com/u/user\(i % 977)</uri></author>"
            s += "<content type=\"html\">&lt;p&gt;I was charged twice for March, invoice \(i).&lt;/p&gt;</content></entry>\n"
        }
        return Data((s + "</feed>\n").utf8)
    }
}
