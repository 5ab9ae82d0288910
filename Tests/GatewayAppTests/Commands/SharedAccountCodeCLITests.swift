import Foundation
import Testing
import GatewayTestSupport

/// Issue 36's measured defect, first part: Asterisk's `accountcode` is the
/// channel's billing account (a trunk, a tenant), shared by every caller on
/// it. Read as the customer's account id it made thousands of callers a few
/// "persons" and their complaints each other's duplicates. It is an
/// attribute now, unless a channel says otherwise.
@Suite("a trunk's accountcode links nobody")
struct SharedAccountCodeCLITests {
    static let notes = ["账单多扣了两次月费，要求退款", "宽带断网三天，要求减免月租", "Router outage three days in a row, wants a refund",
                        "信号差，通话经常中断", "Meter reading wrong, bill 3x higher than usual"]

    /// 200 calls to the complaints queue from 200 different callers over 4 trunks.
    static func masterCSV() -> String {
        (0..<200).map { n in
            let caller = "1390000\(String(format: "%04d", n))"
            let start = String(format: "2026-12-01 %02d:%02d:%02d", 8 + n / 60, n % 60, n % 60)
            return "\"trunk-\(n % 4)\",\"\(caller)\",\"600\",\"from-pstn\",\"Caller \(n) <\(caller)>\",\"SIP/trunk-\(n)\",\"SIP/agent-\(n)\","
                + "\"Queue\",\"complaints,t,,,300\",\"\(start)\",\"\(start)\",\"\(start)\",60,55,\"ANSWERED\",\"DOCUMENTATION\",\"\(1764576000 + n).\(n)\",\"\(notes[n % notes.count])\""
        }.joined(separator: "\n") + "\n"
    }

    static func statuses(accountcode: String?, then: (TemporaryDirectory) async throws -> Void = { _ in }) async throws -> [String: Int] {
        let dir = try TemporaryDirectory("accountcode")
        try FileManager.default.createDirectory(at: dir.path("drop"), withIntermediateDirectories: true)
        _ = try dir.write("drop/Master.csv", masterCSV())
        _ = try dir.write("channels.conf", """
            [storage]
            path = "state/c.sqlite"
            [archive]
            path = "state/archive"
            [[channel]]
            name = "pbx"
            type = "call_log"
            format = "asterisk"
            \(accountcode.map { "accountcode = \"\($0)\"" } ?? "")
            match_queues = ["complaints"]
            drop_folder = "drop"
            """)
        let ingest = try await CLITests.run(["ingest", "--log-level", "error"], in: dir.url)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        var counts: [String: Int] = [:]
        for line in try await CLITests.run(["feed"], in: dir.url).lines {
            let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let data = event?["data"] as? [String: Any]
            let status = (data?["dedup"] as? [String: Any])?["status"] as? String ?? "?"
            counts[status, default: 0] += 1
            let account = (data?["customer"] as? [String: Any])?["account_id"]
            #expect(account == nil || account is NSNull || accountcode == "account_id")
            if accountcode == nil { #expect((data?["attributes"] as? [String: Any])?["accountcode"] != nil) }
        }
        try await then(dir)
        return counts
    }

    @Test("200 callers over 4 trunks: 200 unique complaints; accountcode is kept as an attribute")
    func defaultKeepsCallersApart() async throws {
        #expect(try await Self.statuses(accountcode: nil) == ["unique": 200])
    }

    @Test("accountcode = \"account_id\" is the admin's explicit choice, for PBXs that fill it per customer")
    func explicitMapping() async throws {
        let counts = try await Self.statuses(accountcode: "account_id") { dir in
            let shared = try await CLITests.run(["identities", "shared", "--pii"], in: dir.url)
            #expect(shared.status == 0, "\(shared.stderr)")
            #expect(shared.lines == (0..<4).map { "account:trunk-\($0)  account" })
            let masked = try await CLITests.run(["identities", "shared"], in: dir.url)
            #expect(masked.lines == Array(repeating: "account:***  account", count: 4))
            // A caller is a person of their own, with the profile to show it.
            let profile = try await CLITests.run(["customers", "show", "+86 139 0000 0150", "--json", "--pii"], in: dir.url)
            #expect(profile.status == 0, "\(profile.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(profile.stdout.utf8)) as? [String: Any]
            #expect((object?["identities"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["phone:+8613900000150"])
            #expect(object?["complaints"] as? Int == 1)
            let nobody = try await CLITests.run(["customers", "show", "account:trunk-1"], in: dir.url)
            #expect(nobody.status == 1)
            #expect(nobody.stderr.contains("shared key links nobody"))
        }
        #expect(counts.values.reduce(0, +) == 200)
        // Each code joins at most [identity] shared_key_identities callers before it is
        // found shared; from then on it links nobody, and those callers are apart again.
        #expect((counts["unique"] ?? 0) >= 200 - 4 * 3, "\(counts)")
    }
}
