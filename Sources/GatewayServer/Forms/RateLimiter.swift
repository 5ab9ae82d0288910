import Foundation
import GatewayCore
import Synchronization

/// Token buckets by key (a client address, a channel): each holds up to
/// `limit.count` tokens and refills at `limit.perSecond`, so a client may
/// burst up to its limit and then post at the sustained rate.
///
/// Thread-safe (a mutex around the table); memory is bounded by forgetting
/// buckets that have refilled completely, which are indistinguishable from new
/// ones, and by a hard cap on the number of keys.
public final class RateLimiter: Sendable {
    /// The answer for one request.
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; try again after this many seconds (rounded up, at least 1).
        case limited(retryAfter: Int)
    }

    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let limit: RateLimit
    private let maxKeys: Int
    private let state = Mutex<(buckets: [String: Bucket], calls: Int)>(([:], 0))
    private let clock = ContinuousClock()

    public init(limit: RateLimit, maxKeys: Int = 100_000) {
        self.limit = limit
        self.maxKeys = maxKeys
    }

    /// Takes one token for `key` if there is one.
    public func acquire(_ key: String) -> Decision {
        let now = clock.now
        let capacity = Double(limit.count), rate = limit.perSecond
        return state.withLock { state in
            state.calls += 1
            if state.calls % 1024 == 0 || state.buckets.count >= maxKeys { Self.prune(&state.buckets, now: now, capacity: capacity, rate: rate) }
            var bucket = state.buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { state.buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return .allowed
            }
            return .limited(retryAfter: max(1, Int((1 - bucket.tokens) / rate).advanced(by: 1)))
        }
    }

    private static func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant, capacity: Double, rate: Double) {
        let refillTime = Duration.seconds(capacity / rate)
        buckets = buckets.filter { now - $0.value.updated < refillTime }
    }
}
