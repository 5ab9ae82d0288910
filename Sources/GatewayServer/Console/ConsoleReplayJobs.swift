import Foundation
import GatewayCore
import Synchronization

/// Replays started from the console: one at a time, followed by polling.
/// A replay is resumable (`Replayer`), so one cut short by a shutdown
/// continues when it is started again with the same filter.
public final class ConsoleReplayJobs: Sendable {
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

    public init() {}

    /// Registers a job unless one is running; nil when one is.
    func start(_ filter: ReplayFilter) -> String? {
        jobs.withLock { jobs -> String? in
            guard !jobs.values.contains(where: { $0.state == "running" }) else { return nil }
            let finished = jobs.values.filter { $0.state != "running" }.sorted { $0.startedAt < $1.startedAt }
            for old in finished.dropLast(Self.kept - 1) { jobs[old.id] = nil }
            let id = UUID().uuidString.lowercased()
            jobs[id] = Job(id: id, filter: filter)
            return id
        }
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
