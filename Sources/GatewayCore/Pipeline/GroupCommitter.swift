import Logging
import Synchronization

/// Commits whole inputs for every intake of one process, many per store
/// transaction.
///
/// Inputs queue while a transaction runs; when it ends, the next takes
/// everything queued (up to `maxInputs` inputs or `maxComplaints`
/// complaints). Nothing waits on a timer: a lone input commits at once, and
/// under load each transaction carries what arrived during the previous one,
/// so the cost of a commit (the writer lock, the WAL sync, PostgreSQL's round
/// trips) is shared by all of them. Queued inputs are committed in queue order.
public final class GroupCommitter: Sendable {
    public let store: any ComplaintCommitter
    public let dedup: any DedupStage
    public let maxInputs: Int
    public let maxComplaints: Int
    private let logger: Logger

    private struct Queued: Sendable {
        var input: PreparedIntake
        var promise: CommitPromise<IntakeOutcome>
    }

    private struct State {
        var queue: [Queued] = []
        var draining = false
    }

    private let state = Mutex(State())

    public init(store: any ComplaintCommitter, dedup: any DedupStage, maxInputs: Int = 512, maxComplaints: Int = 4000,
                logger: Logger = Logger(label: "complaint-gateway.commit")) {
        self.store = store
        self.dedup = dedup
        self.maxInputs = max(1, maxInputs)
        self.maxComplaints = max(1, maxComplaints)
        self.logger = logger
    }

    /// Commits one input with whatever else is queued and returns its outcome.
    public func commit(_ input: IntakeCommit) async throws -> IntakeOutcome {
        try await enqueue(PreparedIntake(input, dedup: dedup)).value
    }

    /// Queues one input and returns at once; the promise is fulfilled when the
    /// transaction holding it has committed (or failed).
    public func enqueue(_ input: IntakeCommit) -> CommitPromise<IntakeOutcome> {
        enqueue(PreparedIntake(input, dedup: dedup))
    }

    /// Queues an input already prepared by its caller: the documents and dedup
    /// features are computed by each caller, in parallel, not by the committer.
    public func enqueue(_ input: PreparedIntake) -> CommitPromise<IntakeOutcome> {
        let promise = CommitPromise<IntakeOutcome>()
        let starts = state.withLock { state -> Bool in
            state.queue.append(Queued(input: input, promise: promise))
            if state.draining { return false }
            state.draining = true
            return true
        }
        if starts { Task { await self.drain() } }
        return promise
    }

    private func drain() async {
        while let batch = takeBatch() {
            await commit(batch)
        }
    }

    /// The next transaction's inputs; nil (and no longer draining) when none.
    private func takeBatch() -> [Queued]? {
        state.withLock { state -> [Queued]? in
            guard !state.queue.isEmpty else {
                state.draining = false
                return nil
            }
            var complaints = 0
            var count = 0
            for queued in state.queue {
                // At least one input per transaction, however large.
                if count > 0, count == maxInputs || complaints + queued.input.batch.complaints.count > maxComplaints { break }
                complaints += queued.input.batch.complaints.count
                count += 1
            }
            let batch = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return batch
        }
    }

    private func commit(_ batch: [Queued]) async {
        do {
            let outcomes = try await store.commitInputs(batch.map(\.input), dedup: dedup)
            for (queued, outcome) in zip(batch, outcomes) { queued.promise.fulfill(.success(outcome)) }
        } catch let error as StoreUnavailableError {
            // An outage fails every input alike: each caller reports it (503, exit 75).
            for queued in batch { queued.promise.fulfill(.failure(error)) }
        } catch {
            guard batch.count > 1 else {
                batch[0].promise.fulfill(.failure(error))
                return
            }
            // One input the store refuses must not fail the inputs it shared a
            // transaction with: each is committed on its own.
            logger.warning("group commit failed; committing its inputs one by one",
                           metadata: ["inputs": "\(batch.count)", "error": "\(error)"])
            for queued in batch { await commit([queued]) }
        }
    }
}
