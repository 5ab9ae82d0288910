import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// What the console's channel list reads from the store, on both engines.
@Suite("Channel activity")
struct ChannelActivityTests {
    @Test("new complaints by the hour and the day, quarantine entries and the last input, per channel", arguments: StoreEngine.available)
    func activity(engine: StoreEngine) async throws {
        let f = try await IngestPipelineTests.Fixture(engine)
        let other = try TestChannels.lineChannel("other")
        let now = Date()
        // Received three hours ago: in the day's count, not the hour's.
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("old.txt", "o1|old one\no2|old two\n"), channel: f.channel,
                                        receivedAt: now.addingTimeInterval(-3 * 3_600))
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("new.txt", "n1|new one\n!broken\n"), channel: f.channel, receivedAt: now)
        // Received two days ago: outside both counts, but still its last input.
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("other.txt", "x1|elsewhere\n"), channel: other,
                                        receivedAt: now.addingTimeInterval(-2 * 86_400))

        let activity = try await f.store.channelActivity(hour: now.addingTimeInterval(-3_600), day: now.addingTimeInterval(-86_400))
        #expect(activity.map(\.channel) == ["inbox", "other"])
        let inbox = try #require(activity.first)
        #expect(inbox.complaintsLastHour == 1)
        #expect(inbox.complaintsLastDay == 3)
        #expect(inbox.quarantined == 1 && inbox.quarantinedLastDay == 1)
        #expect(abs((inbox.lastInputAt ?? .distantPast).timeIntervalSince(now)) < 2)
        let quiet = try #require(activity.last)
        #expect(quiet.complaintsLastHour == 0 && quiet.complaintsLastDay == 0)
        #expect(abs((quiet.lastInputAt ?? .distantPast).timeIntervalSince(now.addingTimeInterval(-2 * 86_400))) < 2)
    }
}
