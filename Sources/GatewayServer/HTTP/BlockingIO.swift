import Dispatch

/// Runs blocking file work (an fsync) on a dispatch queue instead of the
/// Swift concurrency pool, whose few threads (one per core) also serve every
/// request: one slow disk flush must not stall them.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "complaint-gateway.blocking-io", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
