import Foundation
import Testing
import ComplaintModel
import ChannelSupport
import GatewayCore
import GatewayTestSupport
@testable import SocialFeedChannel

/// Conformance over `../shared/corpus/feeds`: gofeed's and feed-rs's test
/// feeds against those projects' expectations (entry titles, links, ids and
/// dates). Each test prints its pass rate; the asserted minimums are today's.
@Suite("Feed corpus", .enabled(if: RepositoryPaths.hasCorpus, "needs ../shared/corpus"))
struct FeedCorpusTests {
    static let root = RepositoryPaths.corpusFile("feeds")!

    /// Every input parses into items or is quarantined with a reason, without a crash or a hang.
    @Test func everyInputParsesOrIsQuarantined() throws {
        struct Entry: Decodable { var file: String; var role: String }
        let manifest = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: Self.root.appendingPathComponent("MANIFEST.json")))
        var perFolder: [String: (parsed: Int, refused: Int, items: Int)] = [:]
        var slowest: (String, Double) = ("", 0)
        var total = 0
        for file in manifest.filter({ $0.role == "input" }).map(\.file) {
            let url = Self.root.appendingPathComponent(file)
            guard let data = try? Data(contentsOf: url) else { continue }
            total += 1
            let folder = file.split(separator: "/").prefix(2).joined(separator: "/")
            let start = Date()
            do {
                let document = try SocialFeedParser.read(data, baseURL: nil)
                perFolder[folder, default: (0, 0, 0)].parsed += 1
                perFolder[folder, default: (0, 0, 0)].items += document.entries.count
            } catch {
                perFolder[folder, default: (0, 0, 0)].refused += 1
                #expect(!"\(error)".isEmpty)
            }
            let elapsed = Date().timeIntervalSince(start)
            if elapsed > slowest.1 { slowest = (file, elapsed) }
            #expect(elapsed < 5, "\(file) took \(elapsed) s")
        }
        for (folder, r) in perFolder.sorted(by: { $0.key < $1.key }) {
            print("feed corpus \(folder): \(r.parsed) parsed (\(r.items) items), \(r.refused) refused")
        }
        print("feed corpus: \(total) inputs; slowest \(slowest.0) \(String(format: "%.3f", slowest.1)) s")
        #expect(total > 500)
    }

    /// feed-rs's normalized model: entry count, ids, titles, first links, dates.
    @Test func feedRsExpectations() throws {
        var passed = 0, total = 0
        for folder in ["atom", "rss0", "rss1", "rss2", "jsonfeed", "xml"] {
            let dir = Self.root.appendingPathComponent("feed-rs/\(folder)")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".serde.json") {
                let base = String(name.dropLast(".serde.json".count))
                guard let input = names.first(where: { $0 == base + ".xml" || $0 == base + ".json" }),
                      let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as? [String: Any]
                else { continue }
                total += 1
                let failures = Self.compareFeedRs(try Data(contentsOf: dir.appendingPathComponent(input)), expected)
                if failures.isEmpty { passed += 1 } else { print("  feed-rs \(folder)/\(input): \(failures.prefix(3).joined(separator: "; "))") }
            }
        }
        print("feed corpus feed-rs: \(passed)/\(total) documents agree on entries, ids, titles, links and dates")
        #expect(total >= 50)
        #expect(passed >= Self.minimum["feed-rs"]!)
    }

    static func compareFeedRs(_ data: Data, _ expected: [String: Any]) -> [String] {
        guard let document = try? SocialFeedParser.read(data, baseURL: nil) else { return ["not parsed"] }
        let entries = expected["entries"] as? [[String: Any]] ?? []
        var failures: [String] = []
        if entries.count != document.entries.count { failures.append("\(document.entries.count) entries, expected \(entries.count)") }
        for (want, got) in zip(entries, document.entries) {
            // feed-rs makes up an id (a hash) when the entry has none.
            if let id = got.id, let wantID = want["id"] as? String, id != wantID { failures.append("id \(id) ≠ \(wantID)") }
            let wantTitle = ((want["title"] as? [String: Any])?["content"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
            let gotTitle = got.title.map { got.titleIsHTML ? HTMLText.text($0) : $0 }?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let wantTitle, normalize(gotTitle ?? "") != normalize(wantTitle) { failures.append("title \(gotTitle ?? "nil") ≠ \(wantTitle)") }
            let wantLink = (want["links"] as? [[String: Any]])?.first?["href"] as? String
            if let wantLink, let link = got.link, link != wantLink { failures.append("link \(link) ≠ \(wantLink)") }
            for (key, raw) in [("published", got.published), ("updated", got.updated)] {
                guard let wantDate = (want[key] as? String).flatMap({ InternetDate.parse($0)?.date }) else { continue }
                let gotDate = raw.flatMap { InternetDate.parse($0)?.date }
                if gotDate != wantDate, !(key == "updated" && got.updated == nil) {
                    failures.append("\(key) \(raw ?? "nil") ≠ \(want[key] ?? "")")
                }
            }
        }
        return failures
    }

    /// gofeed's translator outputs (its universal Feed): items' titles, links, guids and dates.
    @Test func gofeedTranslatorExpectations() throws {
        var passed = 0, total = 0
        for folder in ["rss", "atom", "json"] {
            let dir = Self.root.appendingPathComponent("gofeed/translator/\(folder)")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".json") && !name.hasSuffix("_expected.json") {
                let base = String(name.dropLast(5))
                let inputName = folder == "json" ? nil : names.first { $0 == base + ".xml" }
                guard let inputName, let expected = try? JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as? [String: Any]
                else { continue }
                total += 1
                let failures = Self.compareGofeed(try Data(contentsOf: dir.appendingPathComponent(inputName)), expected)
                if failures.isEmpty { passed += 1 } else { print("  gofeed \(folder)/\(inputName): \(failures.prefix(3).joined(separator: "; "))") }
            }
        }
        print("feed corpus gofeed translator: \(passed)/\(total) documents agree on item titles, links, guids and dates")
        #expect(total >= 90)
        #expect(passed >= Self.minimum["gofeed"]!)
    }

    static func compareGofeed(_ data: Data, _ expected: [String: Any]) -> [String] {
        guard let document = try? SocialFeedParser.read(data, baseURL: nil) else { return ["not parsed"] }
        let items = expected["items"] as? [[String: Any]] ?? []
        var failures: [String] = []
        if items.count != document.entries.count { failures.append("\(document.entries.count) items, expected \(items.count)") }
        for (want, got) in zip(items, document.entries) {
            if let title = want["title"] as? String, normalize(got.title ?? "") != normalize(title) { failures.append("title \(got.title ?? "nil") ≠ \(title)") }
            if let link = want["link"] as? String, got.link != link { failures.append("link \(got.link ?? "nil") ≠ \(link)") }
            if let guid = want["guid"] as? String, got.id != guid { failures.append("guid \(got.id ?? "nil") ≠ \(guid)") }
            for (key, raw) in [("publishedParsed", got.published), ("updatedParsed", got.updated)] {
                guard let wantDate = (want[key] as? String).flatMap({ InternetDate.parse($0)?.date }) else { continue }
                if raw.flatMap({ InternetDate.parse($0)?.date }) != wantDate { failures.append("\(key) \(raw ?? "nil") ≠ \(want[key] ?? "")") }
            }
        }
        return failures
    }

    static func normalize(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static let minimum: [String: Int] = ["feed-rs": 62, "gofeed": 91]
}
