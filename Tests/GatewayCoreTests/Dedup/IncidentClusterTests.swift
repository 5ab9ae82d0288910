import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// Clusters as outages are reported: buildings do not split an incident,
/// rewordings of one outage at one place join it, another start time does not.
@Suite("Incident clusters")
struct IncidentClusterTests {
    typealias Fixture = DedupStageTests.Fixture

    @Test("11 customers naming buildings 1 to 11 are one cluster, with the buildings as its breakdown", arguments: StoreEngine.available)
    func buildings(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        var clusters = Set<String>()
        for n in 1...11 {
            let c = try await f.add(DedupStageTests.complaint("b\(n)", phone: "+8613900020\(100 + n)",
                                                              body: "幸福小区停电了，请尽快处理 \(n)号楼",
                                                              at: DedupStageTests.base.addingTimeInterval(Double(n) * 60)))
            clusters.insert(try #require(c.dedup.cluster))
        }
        #expect(clusters.count == 1)
        let cluster = try #require(try await f.store.clusters(ClusterQuery(minimumSize: 2)).first)
        #expect(cluster.customers == 11)
    }

    @Test("light rewordings of one outage at one place join one cluster; another start time or place does not", arguments: StoreEngine.available)
    func rewordings(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let texts = ["幸福小区停电了，请尽快处理", "幸福小区又停电了，麻烦尽快处理一下", "我们幸福小区停电了，请赶快处理", "幸福小区现在停电了，请尽快派人处理"]
        var clusters = Set<String>()
        for n in 0..<12 {
            let c = try await f.add(DedupStageTests.complaint("r\(n)", phone: "+8613900030\(100 + n)", body: texts[n % 4],
                                                              at: DedupStageTests.base.addingTimeInterval(Double(n) * 60)))
            clusters.insert(try #require(c.dedup.cluster))
        }
        #expect(clusters.count == 1, "\(clusters.count) clusters")
        let other = try await f.add(DedupStageTests.complaint("o1", phone: "+8613900040101", body: "阳光花园停电了，请尽快处理",
                                                              at: DedupStageTests.base.addingTimeInterval(900)))
        #expect(!clusters.contains(try #require(other.dedup.cluster)), "another place is another incident")
    }

    @Test("numbers: locations are marked, event facts are not")
    func facts() {
        #expect(DedupText.facts(DedupText.normalize("幸福小区3号楼从14点开始停电")) == ["@3号楼", "14"])
        #expect(DedupText.facts(DedupText.normalize("Power out in building 7 since 2026-11-02")) == ["@building 7", "2026", "11", "02"])
        #expect(IncidentTopic.of(DedupText.normalize("我们幸福小区又停电了")) == "power:幸福小区")
        #expect(IncidentTopic.of(DedupText.normalize("停电了")) == nil)
    }
}
