import Foundation

/// Polls `probe` until it returns true, for at most `seconds`: tests wait on
/// what they can observe (an HTTP answer, a log line), with a deadline
/// generous enough for a busy machine, never on a fixed sleep.
public func eventually(within seconds: Double = 30, _ probe: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await probe() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}
