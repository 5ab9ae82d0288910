import Foundation
import Testing
import GatewayTestSupport

/// The social-feed channel through the real binary: snapshots of a feed
/// dropped one after another, as a bridge or `curl -o` saves them.
@Suite("social feed channel CLI")
struct SocialFeedCLITests {
    static func snapshot(_ items: [(id: String, text: String)]) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>mentions</title><link>https://bridge.example.com/</link>
        \(items.map { "<item><guid>\($0.id)</guid><title>\($0.id)</title><description>\($0.text)</description><pubDate>Mon, 04 Mar 2024 09:00:00 +0000</pubDate></item>" }.joined(separator: "\n"))
        </channel></rss>
        """
    }

    @Test("a changed item becomes a revision; a repeated snapshot adds nothing; non-matching items are skipped")
    func snapshots() throws {
        let ws = try TemporaryDirectory("social-cli")
        try FileManager.default.createDirectory(at: ws.path("feeds"), withIntermediateDirectories: true)
        try ws.write("channels.conf", """
            [storage]
            path = "state/c.sqlite"
            [archive]
            path = "state/archive"

            [[channel]]
            name = "social"
            type = "social_feed"
            drop_folder = "feeds"
            match_keywords = ["outage", "停电"]
            """)
        try ws.write("feeds/1.xml", Self.snapshot([("p1", "Power outage on Elm Street"), ("p2", "Nice weather today")]))
        let first = try CLITests.run(["ingest"], in: ws.url)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("read 2, new 1, updated 0, unchanged 0, quarantined 0, skipped 1"), "\(first.stdout)")

        // The next poll: p1 edited, p3 new; the same document saved twice.
        let second = Self.snapshot([("p1", "Power outage on Elm Street, since 9 am"), ("p3", "小区停电了")])
        try ws.write("feeds/2.xml", second)
        try ws.write("feeds/3.xml", second)
        let run = try CLITests.run(["ingest"], in: ws.url)
        #expect(run.status == 0, "\(run.stderr)")
        let events = try CLITests.run(["feed"], in: ws.url).lines.map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        let types = events.map { $0["type"] as! String }
        #expect(types == ["complaint.received", "complaint.updated", "complaint.received"], "\(types)")
        let updated = events[1]["data"] as! [String: Any]
        #expect(updated["revision"] as? Int == 2)
        #expect(updated["body"] as? String == "Power outage on Elm Street, since 9 am")
    }

    @Test("parse --type social_feed prints the items and quarantines what cannot be read")
    func parse() throws {
        let fixtures = RepositoryPaths.root.appendingPathComponent("Plugins/SocialFeedChannel/Tests/Fixtures")
        let r = try CLITests.run(["parse", "--type", "social_feed", fixtures.appendingPathComponent("forum-atom.xml").path,
                                  fixtures.appendingPathComponent("xxe.xml").path], in: RepositoryPaths.root)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.count == 3)
        #expect(r.lines.last?.contains("declares entities") == true)
        #expect(r.stderr.contains("complaints 2, quarantined 1"))
    }
}
