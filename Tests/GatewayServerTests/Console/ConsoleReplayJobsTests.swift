import Foundation
import Logging
import ServiceLifecycle
import Testing
@testable import GatewayServer
import GatewayCore

/// Console replays run as a service of the server's group: a shutdown stops
/// the one running instead of leaving it behind the other services.
@Suite("Console replay jobs")
struct ConsoleReplayJobsTests {
    @Test("a replay running at shutdown is cancelled and marked failed; the service ends with the group")
    func shutdownStopsTheReplay() async throws {
        let jobs = ConsoleReplayJobs()
        let (started, began) = AsyncStream.makeStream(of: Void.self)
        let group = ServiceGroup(services: [jobs], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let id = try #require(jobs.start(ReplayFilter()) { _ in
                {
                    began.yield()
                    // A replay that would take an hour: only cancellation ends it.
                    try await Task.sleep(for: .seconds(3600))
                    return ReplaySummary()
                }
            })
            #expect(jobs.start(ReplayFilter()) { _ in { ReplaySummary() } } == nil, "one at a time")
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()
            #expect(jobs.job(id)?.state == "running")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(jobs.job(id)?.state == "failed")
            #expect(jobs.job(id)?.finishedAt != nil)
        }
    }
}
