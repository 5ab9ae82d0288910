import ServiceLifecycle

/// Tells one worker to stop after what it is doing: set by a reload that
/// removes or changes the worker's channel or sink. Graceful shutdown of the
/// whole server counts as a stop too.
public final class StopSignal: Sendable {
    private let stopped = Wakeup(latching: true)
    private let finished = Wakeup(latching: true)

    public init() {}

    /// Whether the worker should end its loop.
    public var isStopped: Bool {
        stopped.isWoken || Task.isShuttingDownGracefully || Task.isCancelled
    }

    public func stop() { stopped.wake() }

    /// Sleeps for `duration`, returning early on stop or graceful shutdown.
    public func sleep(for duration: Duration) async {
        await cancelWhenGracefulShutdown { await self.stopped.wait(timeout: duration) }
    }

    /// Marks the worker as ended (its in-flight input finished).
    func markFinished() { finished.wake() }

    /// Returns once the worker has ended.
    func waitUntilFinished() async {
        while !finished.isWoken { await finished.wait(timeout: .seconds(3600)) }
    }
}
