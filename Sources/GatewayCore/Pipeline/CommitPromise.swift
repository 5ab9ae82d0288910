import Synchronization

/// The result of a queued commit, fulfilled once by the committer and awaited
/// by whoever queued it (any number of times).
///
/// Queuing and awaiting are separate steps so that a caller can queue inputs
/// in order without waiting for each one's transaction (`GroupCommitter.enqueue`).
public final class CommitPromise<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiters: [CheckedContinuation<Value, any Error>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Waits for the commit; not cancellable, since a commit cannot be taken
    /// back once it has started.
    public var value: Value {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Value, any Error>? in
                    if let result = state.result { return result }
                    state.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

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
