import Synchronization

/// Lets tasks wait, with a timeout, until another task wakes them.
///
/// A *latching* wakeup stays woken: once `wake()` is called every later wait
/// returns at once (a stop signal). A non-latching one wakes only the tasks
/// waiting at that moment (a "something changed" signal).
///
/// A waiter's slot is registered and resolved under one lock, whichever of
/// wake, timeout or cancellation comes first, so no order of those events
/// leaves a continuation unresumed.
public final class Wakeup: Sendable {
    private enum Slot {
        case waiting(CheckedContinuation<Void, Never>)
        /// Resolved before the continuation was registered.
        case resolved
    }

    private struct State {
        var woken = false
        var slots: [UInt64: Slot] = [:]
    }

    private let state = Mutex(State())
    private let nextID = Atomic<UInt64>(0)
    private let latching: Bool

    public init(latching: Bool) {
        self.latching = latching
    }

    /// Whether a latching wakeup has been woken.
    public var isWoken: Bool { state.withLock { $0.woken } }

    /// Wakes every waiting task (and, when latching, every later one).
    public func wake() {
        let waiting: [CheckedContinuation<Void, Never>] = state.withLock { state in
            if latching { state.woken = true }
            var continuations: [CheckedContinuation<Void, Never>] = []
            for (id, slot) in state.slots {
                if case .waiting(let continuation) = slot {
                    continuations.append(continuation)
                    state.slots[id] = nil
                }
            }
            return continuations
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns on `wake()`, after `timeout`, or when the task is cancelled.
    public func wait(timeout: Duration) async {
        if latching && isWoken { return }
        let id = nextID.add(1, ordering: .relaxed).newValue
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForWake(id) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.resolve(id)
            }
            await group.next()
            group.cancelAll()
            await group.waitForAll()
        }
        // Both halves are done; a `.resolved` mark left by the later one goes.
        state.withLock { _ = $0.slots.removeValue(forKey: id) }
    }

    private func waitForWake(_ id: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if latching && state.woken { return true }
                    if case .resolved = state.slots[id] {
                        state.slots[id] = nil
                        return true
                    }
                    state.slots[id] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            resolve(id)
        }
    }

    /// Ends one wait: resumes it if registered, or marks it so that it
    /// returns as soon as it registers.
    private func resolve(_ id: UInt64) {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            switch state.slots[id] {
            case .waiting(let continuation):
                state.slots[id] = nil
                return continuation
            case .resolved:
                return nil
            case nil:
                state.slots[id] = .resolved
                return nil
            }
        }
        continuation?.resume()
    }
}
