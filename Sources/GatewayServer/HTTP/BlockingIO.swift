import NIOPosix

/// Blocking file system work of request handlers and services (reading a
/// folder, fsync), off the cooperative pool: on NIO's shared thread pool,
/// which is bounded, so a burst of slow disks queues instead of spawning a
/// thread per call as a concurrent dispatch queue does.
enum BlockingIO {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
