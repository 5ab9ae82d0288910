import Foundation
import GatewayCore
import ServiceLifecycle
import Synchronization

/// Replays started from the console: one at a time, followed by polling.
///
/// A service of the server's group: the console's request only registers a
/// job; the replay runs here, as this service's work, so a shutdown stops it
/// (graceful shutdown cancels the replay between inputs) instead of leaving
/// it running past the process's other services. A replay is resumable
/// (`Replayer`), so one cut short by a shutdown continues when it is started
/// again with the same filter.
public final class ConsoleReplayJobs: Service, Sendable {
    /// A registered job's work.
    struct Work: Sendable {
        var id: String
        var run: @Sendable () async throws -> ReplaySummary
    }

    private let queue: AsyncStream<Work>
    private let submit: AsyncStream<Work>.Continuation

    struct Job {
        var id: String
        var filter: ReplayFilter
        var summary = ReplaySummary()
        var state = "running"
        var error: String?
        var startedAt = Date()
        var finishedAt: Date?
    }

    private let jobs = Mutex<[String: Job]>([:])
    /// Finished jobs kept for their progress page.
    static let kept = 20

    public init() {
        (queue, submit) = AsyncStream.makeStream(of: Work.self)
    }

    /// Runs the jobs as they are started, one at a time, until shutdown.
    public func run() async throws {
        for await work in queue.cancelOnGracefulShutdown() {
            let result = await Result { try await cancelWhenGracefulShutdown { try await work.run() } }
            finish(work.id, result)
        }
        // Jobs started but not run (the server is stopping) are marked, not left "running".
        for (id, job) in jobs.withLock({ $0 }) where job.state == "running" {
            finish(id, .failure(CancellationError()))
        }
    }

    /// Registers a job unless one is running, and hands `work` (given the
    /// job's id) to the service; nil when one is running.
    func start(_ filter: ReplayFilter, work: @escaping @Sendable (String) -> @Sendable () async throws -> ReplaySummary) -> String? {
        let id = jobs.withLock { jobs -> String? in
            guard !jobs.values.contains(where: { $0.state == "running" }) else { return nil }
            let finished = jobs.values.filter { $0.state != "running" }.sorted { $0.startedAt < $1.startedAt }
            for old in finished.dropLast(Self.kept - 1) { jobs[old.id] = nil }
            let id = UUID().uuidString.lowercased()
            jobs[id] = Job(id: id, filter: filter)
            return id
        }
        if let id { submit.yield(Work(id: id, run: work(id))) }
        return id
    }

    func progress(_ id: String, _ summary: ReplaySummary) {
        jobs.withLock { $0[id]?.summary = summary }
    }

    func finish(_ id: String, _ result: Result<ReplaySummary, any Error>) {
        jobs.withLock { jobs in
            switch result {
            case .success(let summary):
                jobs[id]?.summary = summary
                jobs[id]?.state = "finished"
            case .failure(let error):
                jobs[id]?.state = "failed"
                jobs[id]?.error = "\(error)"
            }
            jobs[id]?.finishedAt = Date()
        }
    }

    func job(_ id: String) -> Job? {
        jobs.withLock { $0[id] }
    }
}
