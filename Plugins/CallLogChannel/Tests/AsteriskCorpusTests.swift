import Foundation
import Testing
@testable import CallLogChannel
import GatewayTestSupport

/// Asterisk's own test inputs from the shared corpus.
@Suite("Asterisk corpus", .enabled(if: RepositoryPaths.hasCorpus, "needs ../shared/corpus"))
struct AsteriskCorpusTests {
    static func file(_ name: String) throws -> URL {
        try #require(RepositoryPaths.corpusFile("csv/asterisk/\(name)"))
    }

    @Test("good.csv gives 5 records")
    func good() throws {
        let events = try parseCallLog(Self.file("testsuite/good.csv"), "format = \"asterisk\"")
        #expect(events.drafts.count == 5)
        #expect(events.rejections.isEmpty)
        #expect(Set(events.drafts.map(\.sourceID)).count == 5, "forked CDRs sharing a uniqueid stay distinct")
        #expect(events.drafts.map { $0.attributes["disposition"]?.description } == ["ANSWERED", "ANSWERED", "FAILED", "NO ANSWER", "BUSY"])
        #expect(events.drafts[0].customer.name == "Test User")
    }

    @Test("buggy.csv is rejected")
    func buggy() throws {
        let events = try parseCallLog(Self.file("testsuite/buggy.csv"), "format = \"asterisk\"")
        #expect(events.drafts.isEmpty)
        #expect(events.rejections.count == 1)
        #expect(events.rejections.first?.location == "line 1")
    }

    @Test("Master.csv gives 2 records")
    func master() throws {
        let events = try parseCallLog(Self.file("testsuite/Master.csv"), "format = \"asterisk\"")
        #expect(events.drafts.count == 2)
        #expect(events.rejections.isEmpty)
        #expect(events.drafts.map { $0.attributes["duration_seconds"] } == [.int(7), .int(7)])
    }

    @Test("a real cdr_custom Master.csv reads with the asterisk_custom preset")
    func custom() throws {
        let events = try parseCallLog(Self.file("real/KelySaina-cdr_Master.csv"), "format = \"asterisk_custom\"")
        #expect(events.rejections.isEmpty)
        #expect(events.drafts.count == 14)
        #expect(events.drafts.allSatisfy { $0.occurredAt != nil })
    }
}
