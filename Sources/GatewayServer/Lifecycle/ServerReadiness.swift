import Synchronization

/// Whether the server's parts have started, and whether it is shutting down,
/// for `/readyz` and for the live streams that end at shutdown.
public final class ServerReadiness: Sendable {
    private let started = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)

    public init() {}

    public var channelsStarted: Bool { started.load(ordering: .acquiring) }

    /// True from the start of a graceful shutdown.
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    public func markStarted() { started.store(true, ordering: .releasing) }

    public func markStopping() { stopping.store(true, ordering: .releasing) }
}
