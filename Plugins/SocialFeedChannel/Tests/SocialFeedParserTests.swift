import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
@testable import SocialFeedChannel

@Suite("Social feed parser")
struct SocialFeedParserTests {
    static let fixtures = RepositoryPaths.root.appendingPathComponent("Plugins/SocialFeedChannel/Tests/Fixtures")

    static func events(_ name: String, settings: SocialFeedSettings = SocialFeedSettings(), metadata: [String: String] = [:]) throws -> [ParseEvent] {
        let url = fixtures.appendingPathComponent(name)
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        let reader = try SocialFeedParser(settings: settings).open(
            RawInput(url: url, sha256: "", size: size, mediaType: "application/xml", originalName: name, metadata: metadata))
        var events: [ParseEvent] = []
        while let event = try reader.next() { events.append(event) }
        return events
    }

    static func drafts(_ events: [ParseEvent]) -> [ComplaintDraft] {
        events.compactMap { if case .complaint(let d) = $0 { d } else { nil } }
    }

    @Test func chineseRSSInGB2312WithNamespaces() throws {
        let drafts = Self.drafts(try Self.events("weibo-bridge-gb2312.xml"))
        #expect(drafts.count == 3)
        let first = try #require(drafts.first)
        #expect(first.sourceID == "weibo-1001")
        #expect(first.subject == "宽带又断了")
        // content:encoded wins over description, HTML made text.
        #expect(first.body == "宽带又断了，客服电话打不通。\n\n工单号 A-778")
        #expect(first.attributes["summary"] == .string("宽带又断了，客服电话打不通"))
        #expect(first.customer.name == "@zhangwei")
        #expect(first.customer.handle == "zhangwei")
        #expect(first.occurredAt == ISO8601DateFormatter().date(from: "2023-11-22T12:15:00Z"))
        #expect(first.attributes["feed_title"] == .string("品牌舆情监测"))
        #expect(first.attributes["categories"] == .string("投诉"))
        // No guid: identified by link and title; a relative link resolved against the site.
        let third = drafts[2]
        #expect(third.sourceID.hasPrefix("sha256:"))
        #expect(third.attributes["link"] == .string("https://bridge.example.cn/u/wangfang/status/1003"))
        #expect(third.body == "小区停电三小时了！")
        #expect(third.warnings.contains { $0.contains("no time zone") })
    }

    @Test func atomWithXMLBaseXHTMLAndAuthors() throws {
        let drafts = Self.drafts(try Self.events("forum-atom.xml"))
        #expect(drafts.count == 2)
        #expect(drafts[0].subject == "Billing error again")
        #expect(drafts[0].body == "I was charged twice for March.\nPlease refund.")
        #expect(drafts[0].attributes["link"] == .string("https://forum.example.com/threads/17"))
        #expect(drafts[0].customer == Customer(name: "Bob Smith", email: "bob@example.org", handle: "bobsmith"))
        #expect(drafts[0].occurredAt == ISO8601DateFormatter().date(from: "2024-03-04T08:00:00Z"))
        #expect(drafts[0].attributes["categories"] == .string("Billing"))
        // xml:base on the entry stacks on the feed's.
        #expect(drafts[1].attributes["link"] == .string("https://forum.example.com/archive/18"))
        // Only updated: it is the date.
        #expect(drafts[1].occurredAt == ISO8601DateFormatter().date(from: "2024-03-06T08:00:00Z"))
    }

    @Test func jsonFeed() throws {
        let drafts = Self.drafts(try Self.events("reviews.json"))
        #expect(drafts.count == 2)
        #expect(drafts[0].sourceID == "r-1")
        #expect(drafts[0].attributes["link"] == .string("https://reviews.example.com/r/1"))
        #expect(drafts[0].customer.handle == "carol")
        #expect(drafts[1].sourceID == "2")  // a numeric id
        #expect(drafts[1].body == "Great service!")
        #expect(drafts[1].customer.name == "Dan")
    }

    @Test func filtersSkipTheRest() throws {
        var settings = SocialFeedSettings()
        settings.filter = FeedFilter(keywords: ["断"])
        var events = try Self.events("weibo-bridge-gb2312.xml", settings: settings)
        #expect(Self.drafts(events).map(\.sourceID) == ["weibo-1001"])
        #expect(events.filter { if case .skipped = $0 { true } else { false } }.count == 2)
        settings.filter = FeedFilter(handles: ["@LINA"])
        events = try Self.events("weibo-bridge-gb2312.xml", settings: settings)
        #expect(Self.drafts(events).map(\.sourceID) == ["weibo-1002"])
        settings.filter = FeedFilter(regex: try NSRegularExpression(pattern: "charged|refund", options: [.caseInsensitive]))
        #expect(Self.drafts(try Self.events("forum-atom.xml", settings: settings)).count == 1)
    }

    @Test func truncatedDocumentKeepsWhatWasReadAndSaysWhere() throws {
        let events = try Self.events("truncated.xml")
        #expect(Self.drafts(events).map(\.sourceID) == ["a", "b", "c"])
        #expect(Self.drafts(events)[2].body == "three bold and more")
        guard case .rejected(let rejection)? = events.last else { Issue.record("no quarantine entry: \(events)"); return }
        #expect(rejection.reason.contains("line 6"))
        #expect(rejection.reason.contains("3 items before it were read"))
    }

    @Test(arguments: ["xxe.xml", "billion-laughs.xml"])
    func entityDeclarationsAreRefused(file: String) {
        #expect(throws: Rejection.self) { try Self.events(file) }
        do { _ = try Self.events(file) } catch {
            #expect("\(error)".contains("declares entities"))
            #expect(!"\(error)".contains("root:"))  // nothing of /etc/passwd
        }
    }

    @Test("entity declarations are refused in a UTF-16 document and after a long comment; nothing disappears silently")
    func entityDeclarationsAreRefusedWhereverTheyAre() throws {
        let dir = try TemporaryDirectory("feed")
        let declaring = #"<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>before &secret; after</title></item></channel></rss>"#
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in (#"<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!ENTITY secret "hidden">]>"# + declaring).utf16 {
            utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        let late = Data((#"<?xml version="1.0"?><!--"# + String(repeating: "x", count: 100_000) + #"--><!DOCTYPE rss [<!ENTITY secret "hidden">]>"# + declaring).utf8)
        for (name, data) in [("utf16.xml", Data(utf16)), ("late.xml", late)] {
            let url = try dir.write(name, data)
            #expect("\(name)") {
                let reader = try SocialFeedParser(settings: SocialFeedSettings()).open(
                    RawInput(url: url, sha256: "", size: data.count, mediaType: "application/xml", originalName: name))
                while try reader.next() != nil {}
            } throws: { error in
                "\(error)".contains("declares entities")
            }
        }
    }

    @Test func htmlEntitiesAndBareAmpersandsInOldRSS() throws {
        let drafts = Self.drafts(try Self.events("rss091-entities.xml"))
        #expect(drafts.count == 1)
        #expect(drafts.first?.subject == "Fish & Chips\u{A0}complaint")  // &nbsp; is a no-break space
        #expect(drafts.first?.attributes["feed_title"] == .string("Café news"))
        #expect(drafts.first?.attributes["feed_format"] == .string("rss0.91"))
    }

    @Test func utf16WithByteOrderMark() throws {
        let drafts = Self.drafts(try Self.events("utf16-bom.xml"))
        #expect(drafts.first?.subject == "水费太高")
        #expect(drafts.first?.body == "水费账单翻倍")
    }

    @Test func itemsOverTheCapAreQuarantinedAsOneEntry() throws {
        var settings = SocialFeedSettings()
        settings.maxItems = 2
        let events = try Self.events("weibo-bridge-gb2312.xml", settings: settings)
        #expect(Self.drafts(events).map(\.sourceID) == ["weibo-1001", "weibo-1002"])
        #expect(events.count == 3)
        guard case .rejected(let rejection)? = events.last else { Issue.record("\(events)"); return }
        #expect(rejection.reason.contains("over max_items (2)"))
    }

    @Test func oversizedDocumentIsRefused() throws {
        var settings = SocialFeedSettings()
        settings.maxDocumentBytes = 1024
        #expect(throws: Rejection.self) { try Self.events("weibo-bridge-gb2312.xml", settings: settings) }
    }

    @Test func notAFeed() {
        #expect(throws: (any Error).self) { try SocialFeedParser.read(Data("<note><to>x</to></note>".utf8), baseURL: nil) }
        #expect(throws: (any Error).self) { try SocialFeedParser.read(Data("{\"title\": \"no items\"}".utf8), baseURL: nil) }
    }

    @Test func settingsAreValidated() {
        let problems = TestChannels.problems("""
            [[channel]]
            name = "social"
            type = "social_feed"
            match_regex = "([unclosed"
            max_document_bytes = 10
            """, plugins: [SocialFeedPlugin()])
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.line == 4 && $0.key?.hasSuffix("match_regex") == true })
        #expect(problems.contains { $0.line == 5 && $0.key?.hasSuffix("max_document_bytes") == true })
    }
}
