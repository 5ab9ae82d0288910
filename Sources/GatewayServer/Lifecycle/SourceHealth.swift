import Synchronization

/// The state of each remote source (an IMAP folder) as its worker last saw
/// it, for `/readyz`: failing sources name their reason there.
public final class SourceHealth: Sendable {
    private let failures = Mutex<[String: (channel: String, source: String, reason: String)]>([:])

    public init() {}

    func failed(_ key: String, channel: String, source: String, reason: String) {
        failures.withLock { $0[key] = (channel, source, reason) }
    }

    func succeeded(_ key: String) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }

    /// Per channel, its failing sources and why.
    public func problems() -> [String: String] {
        failures.withLock { table in
            var out: [String: String] = [:]
            for failure in table.values.sorted(by: { $0.source < $1.source }) {
                let text = "\(failure.source) failing: \(failure.reason)"
                out[failure.channel] = out[failure.channel].map { $0 + "; " + text } ?? text
            }
            return out
        }
    }
}
