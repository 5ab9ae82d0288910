import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport

/// `[incidents]` in channels.conf, and what the level events look like to
/// sinks, tokens and consumers.
@Suite("Incident settings and events")
struct IncidentSettingsTests {
    @Test("levels are read lowest first, with their windows and sample count")
    func valid() throws {
        let config = try TestChannels.load("""
            [incidents]
            levels = [{ name = "yellow", customers = 10, minutes = 60 }, { name = "red", customers = 100, minutes = 30 }]
            samples = 5
            """).config
        #expect(config.dedup.incidents.levels == [IncidentLevel(name: "yellow", customers: 10, window: 3_600),
                                                  IncidentLevel(name: "red", customers: 100, window: 1_800)])
        #expect(config.dedup.incidents.samples == 5)
        #expect(config.dedup.incidents.rank(of: "red") == 2 && config.dedup.incidents.rank(of: nil) == 0)
        #expect(try TestChannels.load("").config.dedup.incidents.levels.isEmpty, "no table, no levels")
    }

    @Test("check names every bad level at once: keys, counts, duplicates, order, kinds")
    func problems() {
        let problems = TestChannels.problems("""
            [incidents]
            levels = [
              { name = "yellow", customers = 10, minutes = 60 },
              { name = "yellow", customers = 30, minutes = 60 },
              { name = "orange", customers = 20, minutes = 60 },
              { name = "red", customers = 1, minute = 30 },
              { name = "bad name", customers = 40, minutes = 0 },
              "purple",
            ]
            samples = 21
            """)
        let messages = problems.map(\.message)
        #expect(messages.contains { $0.contains("duplicate level name \"yellow\"") }, "\(messages)")
        #expect(messages.contains { $0.contains("levels go from lowest to highest; \"orange\" needs more customers than \"yellow\" (30)") })
        #expect(messages.contains { $0.contains("unknown key \"minute\" (did you mean \"minutes\"?)") })
        #expect(messages.contains { $0.contains("levels #4: missing required key \"minutes\"") })
        #expect(messages.contains { $0.contains("level name \"bad name\" must be letters, digits") })
        #expect(messages.contains { $0.contains("level \"bad name\": minutes must be at least 1") })
        #expect(messages.contains { $0.contains("levels #6 must be a table") })
        #expect(messages.contains { $0.contains("samples must be between 0 and 20, found 21") })
        #expect(problems.allSatisfy { $0.line != nil }, "every problem located: \(problems)")
        #expect(TestChannels.problems("[incidents]\nlevels = [{ name = \"y\", customers = 1, minutes = 5 }]\n")
            .contains { $0.message.contains("customers must be at least 2, found 1") })
        #expect(TestChannels.problems("[incidents]\nlevel = []\n").contains { $0.message.contains("(did you mean \"levels\"?)") })
    }

    static let change = IncidentLevelChange(
        IncidentRaise(clusterEntry: 7, cluster: "c-1", level: IncidentLevel(name: "yellow", customers: 3, window: 3_600), rank: 1,
                      previous: nil, customers: 3, at: Date(timeIntervalSince1970: 1_795_000_000)),
        facts: .init(complaints: 4, totalCustomers: 4, customersInWindow: 3, firstSeen: Date(timeIntervalSince1970: 1_794_999_000),
                     lastSeen: Date(timeIntervalSince1970: 1_795_000_000), channels: ["web", "calls", "web"],
                     texts: ["停电了，请联系 13800138000 或 li.lei@example.cn", String(repeating: "长", count: 400), "third", "fourth"]),
        samples: 3)

    @Test("an event's samples are masked and cut; its channels sorted and distinct")
    func eventData() {
        let c = Self.change
        #expect(c.channels == ["calls", "web"])
        #expect(c.samples.count == 3)
        #expect(!c.samples[0].contains("13800138000") && !c.samples[0].contains("li.lei@"), "\(c.samples[0])")
        #expect(c.samples[1].count == IncidentLevelChange.sampleLength + 1 && c.samples[1].hasSuffix("…"))
        #expect(c.windowMinutes == 60 && c.complaints == 4 && c.customers == 3)
    }

    @Test("sinks: a level event goes to a sink of any of its channels and to one asking for its type")
    func sinks() {
        let event = FeedEvent(sequence: 9, incident: Self.change, committedAt: Date())
        #expect(SinkSettings(name: "a", kind: .ndjson, channels: ["web"]).accepts(event))
        #expect(!SinkSettings(name: "b", kind: .ndjson, channels: ["mail"]).accepts(event))
        #expect(SinkSettings(name: "c", kind: .ndjson, types: ["incident.level_changed"]).accepts(event))
        #expect(!SinkSettings(name: "d", kind: .ndjson, types: ["complaint.received"]).accepts(event))
        #expect(event.complaint == nil && event.mapComplaint { $0 } == event, "masking leaves it as it is")
    }

    @Test("the CloudEvent of a level: its own source, subject and schema")
    func cloudEvent() throws {
        let line = try CloudEvent(FeedEvent(sequence: 9, incident: Self.change, committedAt: Date())).jsonLine()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "incident.level_changed")
        #expect(object["source"] as? String == "/incidents" && object["subject"] as? String == "c-1")
        #expect(object["id"] as? String == "incident.c-1.yellow" && object["sequence"] as? String == "9")
        #expect(object["dataschema"] as? String == CloudEvent.incidentSchema)
        let data = try #require(object["data"] as? [String: Any])
        #expect(data["level"] as? String == "yellow" && data["window_minutes"] as? Int == 60 && data["previous_level"] == nil)
    }

    @Test("admin grants every scope but pii")
    func adminIsNotPII() {
        let admin = APIToken(name: "ops", secret: SecretValue(Array("0123456789abcdef0123".utf8)), scopes: [.admin])
        #expect(admin.allows(.feedRead) && admin.allows(.formsWrite) && admin.allows(.admin))
        #expect(!admin.allows(.pii))
        #expect(APIToken(name: "lead", secret: admin.secret, scopes: [.admin, .pii]).allows(.pii))
    }
}
