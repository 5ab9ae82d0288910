import Synchronization

/// The result of a queued commit, fulfilled once by the committer and awaited
/// by whoever queued it (any number of times).
///
/// Queuing and awaiting are separate steps so that a caller can queue inputs
/// in order without waiting for each one's transaction (`GroupCommitter.enqueue`).
/// Awaiting is what drives the commit: the first waiter while no transaction
/// runs commits the queue on its own task (see `GroupCommitter`), so no task
/// outlives the callers that wait for their inputs.
public final class CommitPromise<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiters: [CheckedContinuation<Value, any Error>] = []
    }

    private let state = Mutex(State())
    /// Commits (on the caller's task) until this promise is fulfilled.
    private let drive: @Sendable (CommitPromise<Value>) async -> Void

    public init(drive: @escaping @Sendable (CommitPromise<Value>) async -> Void = { _ in }) {
        self.drive = drive
    }

    /// Waits for the commit; not cancellable, since a commit cannot be taken
    /// back once it has started.
    public var value: Value {
        get async throws {
            if !isFulfilled { await drive(self) }
            return try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Value, any Error>? in
                    if let result = state.result { return result }
                    state.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    var isFulfilled: Bool { state.withLock { $0.result != nil } }

    func fulfill(_ result: Result<Value, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, any Error>] in
            precondition(state.result == nil, "a commit promise is fulfilled once")
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
