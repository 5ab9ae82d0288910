import Foundation
import Testing
import GatewayTestSupport

/// `clusters` and `dedup rebuild` through the built executable, on real files.
@Suite("clusters and dedup commands")
struct DedupCLITests {
    static func workspace() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("dedup-cli")
        try dir.write("channels.conf", """
            [storage]
            path = "state/c.sqlite"
            [archive]
            path = "state/archive"
            [dedup]
            mass_complaint_customers = 3

            [[channel]]
            name = "calls"
            type = "call_log"
            format = "mapped"
            time_zone = "Asia/Shanghai"
            columns = { id = "id", caller_number = "caller", start = "start", notes = "notes" }
            """)
        // Four customers report one outage within minutes; the first calls twice.
        let outage = "阳光花园 5 号楼从下午三点开始停电，到现在还没有恢复，也没有任何通知"
        try dir.write("calls.csv", """
            id,caller,start,notes
            t1,13800000001,2026-11-20 15:05:00,"\(outage)，请尽快处理。"
            t2,13800000002,2026-11-20 15:09:00,"\(outage)，冰箱里的东西都要坏了。"
            t3,13800000003,2026-11-20 15:12:00,"你好，\(outage)，请尽快处理。"
            t4,13800000001,2026-11-20 15:30:00,"\(outage)，请尽快处理！"
            t5,13800000004,2026-11-20 15:31:00,"\(outage)，家里有老人。"
            t6,13800000005,2026-11-20 16:00:00,"上个月的话费账单多扣了五十块钱，请核实后退还。"
            """)
        return dir
    }

    @Test("clusters lists the incident and its mass-complaint flag; dedup rebuild reproduces it")
    func clustersAndRebuild() throws {
        let ws = try Self.workspace()
        let ingest = try CLITests.run(["ingest", "--channel", "calls", "calls.csv"], in: ws.url)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stderr.contains("mass complaint"))
        let feed = try CLITests.run(["feed"], in: ws.url)
        #expect(feed.stdout.contains("\"type\":\"complaint.duplicate\""), "t4 repeats t1")

        let listed = try CLITests.run(["clusters", "--json"], in: ws.url)
        #expect(listed.status == 0, "\(listed.stderr)")
        let clusters = listed.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(clusters.count == 1)
        #expect(clusters.first?["size"] as? Int == 5)
        #expect(clusters.first?["customers"] as? Int == 4)
        #expect(clusters.first?["flagged_at"] is String)
        #expect((clusters.first?["excerpt"] as? String)?.hasPrefix("阳光花园") == true)
        let mass = try CLITests.run(["clusters", "--mass"], in: ws.url)
        #expect(mass.stdout.contains("MASS COMPLAINT"))

        let rebuild = try CLITests.run(["dedup", "rebuild"], in: ws.url)
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("from 6 complaints"))
        #expect(rebuild.stdout.contains("1 cluster of 2 or more"))
        #expect(try CLITests.run(["clusters", "--json"], in: ws.url).stdout == listed.stdout)
    }

    @Test("bad [dedup] values are refused with file, line and key")
    func badConfig() throws {
        let ws = try Self.workspace()
        let conf = try String(contentsOf: ws.path("channels.conf"), encoding: .utf8)
            .replacingOccurrences(of: "mass_complaint_customers = 3", with: "near_duplicate_threshold = 2")
        try ws.write("channels.conf", conf)
        let check = try CLITests.run(["check"], in: ws.url)
        #expect(check.status == 78)
        #expect(check.stderr.contains("channels.conf:6: dedup.near_duplicate_threshold:"), "\(check.stderr)")
    }
}
