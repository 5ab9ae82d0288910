import Foundation
import PropertyBased
import Testing
import ChannelSupport
import GatewayCore
import GatewayTestSupport
@testable import SocialFeedChannel

/// Mutated real feeds (RSS, Atom, JSON Feed, hostile DTDs) through the
/// readers and the channel parser: no crash, no hang, entity declarations
/// never slip through, every input entries or a quarantine entry.
@Suite("Feed fuzzing")
struct FeedFuzzTests {
    static let seeds = Fuzz.seeds(in: SocialFeedParserTests.fixtures) + Fuzz.regressions("feeds")
    static let tokens: [[UInt8]] = [
        "<item>", "</item>", "<entry>", "<![CDATA[", "]]>", "&amp;", "&nbsp;", "&#x0;", "&#1114112;", "<!DOCTYPE rss [<!ENTITY e \"x\">]>",
        "<!--", "-->", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "\"items\":[", "{", "}", "[", "]", "\"", "\\u0000", ":", ",", "1e400",
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">", "xml:base=\"../\"",
    ].map { Array($0.utf8) }

    @Test("element names that are not UTF-8 (once fatal in FoundationXML): the items before them, then a quarantine entry with the line")
    func invalidUTF8Names() throws {
        let folder = RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/fuzz-regressions/feeds")
        for name in ["invalid-utf8-element-name.xml", "invalid-utf8-first-element.xml", "invalid-utf8-after-broken-declaration.xml"] {
            let url = folder.appendingPathComponent(name)
            let data = try Data(contentsOf: url)
            var events: [ParseEvent] = []
            do {
                let reader = try SocialFeedParser(settings: SocialFeedSettings()).open(
                    RawInput(url: url, sha256: "", size: data.count, mediaType: "application/xml", originalName: name))
                while let event = try reader.next() { events.append(event) }
            } catch let rejection as Rejection {
                events.append(.rejected(rejection))
            }
            guard case .rejected(let rejection)? = events.last else { Issue.record("\(name): not quarantined: \(events)"); continue }
            #expect(rejection.reason.contains("not valid UTF-8 at line"), "\(name): \(rejection.reason)")
        }
    }

    @Test("every kept crash input, as it was found: entries or a quarantine entry, no crash")
    func regressions() throws {
        let folder = RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/fuzz-regressions/feeds")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count >= 5)
        for name in names {
            let url = folder.appendingPathComponent(name)
            let size = try Data(contentsOf: url).count
            do {
                let reader = try SocialFeedParser(settings: SocialFeedSettings()).open(
                    RawInput(url: url, sha256: "", size: size, mediaType: "application/xml", originalName: name))
                while try reader.next() != nil {}
            } catch is Rejection {
            }
        }
        // `<?xml?>` (a processing instruction without data) was fatal in FoundationXML.
        let url = folder.appendingPathComponent("processing-instruction-without-data.xml")
        let reader = try SocialFeedParser(settings: SocialFeedSettings()).open(
            RawInput(url: url, sha256: "", size: try Data(contentsOf: url).count, mediaType: "application/xml", originalName: "pi.xml"))
        guard case .complaint(let draft)? = try reader.next() else { Issue.record("the item was not read"); return }
        #expect(draft.subject == "x")
    }

    @Test("mutated feeds: entries or a quarantine entry, never a declared entity expanded")
    func feeds() async throws {
        let dir = try TemporaryDirectory("fuzz-feed")
        await propertyCheck(count: Fuzz.cases, input: Fuzz.seed(of: Self.seeds.count), Fuzz.edits) { seed, edits in
            let bytes = Fuzz.mutate(Self.seeds[seed], with: edits, tokens: Self.tokens)
            Fuzz.record(bytes, target: "feeds")
            let started = ContinuousClock.now
            let file = dir.url.appendingPathComponent("feed")
            do {
                try Data(bytes).write(to: file)
                let reader = try SocialFeedParser(settings: SocialFeedSettings()).open(
                    RawInput(url: file, sha256: "", size: bytes.count, mediaType: "application/xml", originalName: "feed"))
                var events = 0, complaints = 0
                while let event = try reader.next() {
                    events += 1
                    if case .complaint(let draft) = event {
                        complaints += 1
                        #expect(draft.body.utf8.count <= bytes.count * 4 + 64)
                    }
                }
                #expect(events <= bytes.count)
                #expect(complaints == 0 || XMLEntityGuard.firstDeclaredEntity(in: Data(bytes)) == nil || bytes.first == UInt8(ascii: "{"),
                        "items were read from a document that declares entities")
            } catch is Rejection {
            } catch {
                Issue.record("not a quarantine reason: \(error)")
            }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }
}
