import Hummingbird
import NIOCore

/// Reads a request body against a deadline of its own.
///
/// The idle timeout does not catch a body trickled a byte at a time, so the
/// whole body gets `[server] body_timeout_seconds`. Hummingbird's body
/// iterator does not end on task cancellation, and the server drains the
/// body with a second iterator once the handler returns (a crash while the
/// first is alive), so at the deadline the connection's input is shut: the
/// read ends at once, the 408 is still written, and the connection closes.
enum BodyDeadline {
    static func collect(_ request: Request, upTo maxBytes: Int, within limit: Duration,
                        channel: any Channel) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                var request = request
                return try await request.collectBody(upTo: maxBytes)
            }
            group.addTask {
                try await Task.sleep(for: limit)
                try await channel.close(mode: .input)
                return nil
            }
            var timedOut = false
            var body: ByteBuffer? = nil
            var failure: (any Error)? = nil
            while let next = await group.nextResult() {
                switch next {
                case .success(let value?):
                    body = value
                    group.cancelAll()  // stops the timer
                case .success(nil):
                    timedOut = true
                case .failure(let error):
                    if !(error is CancellationError) && failure == nil {
                        failure = error
                        group.cancelAll()  // a broken body: no need to wait for the timer
                    }
                }
            }
            if timedOut || body == nil && failure == nil {
                throw APIError(.requestTimeout, code: "body_timeout",
                               message: "the request body did not arrive within \(limit.components.seconds) s ([server] body_timeout_seconds)",
                               headers: [.connection: "close"])
            }
            if let body { return body }
            throw failure!
        }
    }
}
