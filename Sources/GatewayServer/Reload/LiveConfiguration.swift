import GatewayCore
import Synchronization

/// The serving configuration in effect, replaced whole by each reload.
///
/// Readers take `current` once per request or per round of work and keep
/// that value to the end of it; the services that run one worker per channel
/// or sink wait on `waitForChange` to start and stop workers.
public final class LiveConfiguration: Sendable {
    /// The configuration, and a latch woken when it is replaced (latching, so
    /// a waiter that looks just before a reload still sees it).
    private let state: Mutex<(configuration: ServingConfiguration, superseded: Wakeup)>

    public init(channels: [ConfiguredChannel], tokens: [APIToken] = [], sinks: [SinkSettings] = []) {
        state = Mutex((ServingConfiguration(generation: 0, channels: channels, tokens: tokens, sinks: sinks, previous: nil),
                       Wakeup(latching: true)))
    }

    public var current: ServingConfiguration { state.withLock { $0.configuration } }

    /// Swaps in the next configuration and wakes the services.
    @discardableResult
    public func replace(channels: [ConfiguredChannel], tokens: [APIToken], sinks: [SinkSettings]) -> ServingConfiguration {
        let (next, superseded) = state.withLock { state in
            let superseded = state.superseded
            state.configuration = ServingConfiguration(generation: state.configuration.generation + 1, channels: channels,
                                                       tokens: tokens, sinks: sinks, previous: state.configuration)
            state.superseded = Wakeup(latching: true)
            return (state.configuration, superseded)
        }
        superseded.wake()
        return next
    }

    /// Returns once the generation is past `generation`, or after `timeout`
    /// (or on cancellation); the caller re-reads `current` either way.
    public func waitForChange(after generation: Int, timeout: Duration = .seconds(3600)) async {
        let (current, superseded) = state.withLock { ($0.configuration, $0.superseded) }
        guard current.generation == generation else { return }
        await superseded.wait(timeout: timeout)
    }
}
