import Synchronization

/// Wakes live-stream readers when this process commits feed events, so an
/// event reaches a stream without waiting for the next poll. Commits by other
/// processes (an `ingest` run beside `serve`) are picked up by polling.
public final class FeedNotifier: Sendable {
    private let waiters = Mutex<[UInt64: CheckedContinuation<Void, Never>]>([:])
    private let nextID = Atomic<UInt64>(0)

    public init() {}

    /// Wakes every waiting reader.
    public func notify() {
        let woken = waiters.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until `notify()` or until `timeout` passes, whichever is first.
    public func wait(timeout: Duration) async {
        let id = nextID.add(1, ordering: .relaxed).newValue
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    self.waiters.withLock { $0[id] = continuation }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                // Resume our own continuation if notify() has not.
                let mine = self.waiters.withLock { $0.removeValue(forKey: id) }
                mine?.resume()
            }
            await group.next()
            group.cancelAll()
            await group.waitForAll()
        }
    }
}
