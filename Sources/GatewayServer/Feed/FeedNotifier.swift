/// Wakes live-stream readers when this process commits feed events, so an
/// event reaches a stream without waiting for the next poll. Commits by other
/// processes (an `ingest` run beside `serve`) are picked up by polling.
public final class FeedNotifier: Sendable {
    private let wakeup = Wakeup(latching: false)

    public init() {}

    /// Wakes every waiting reader.
    public func notify() { wakeup.wake() }

    /// Waits until `notify()` or until `timeout` passes, whichever is first.
    public func wait(timeout: Duration) async { await wakeup.wait(timeout: timeout) }
}
