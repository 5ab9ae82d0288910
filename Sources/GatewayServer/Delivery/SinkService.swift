import Foundation
import GatewayCore
import Logging
import Metrics
import ServiceLifecycle

/// Pushes the feed to one `[[sink]]`, at least once, in feed order.
///
/// The sink's cursor lives in the store and moves after each event is
/// delivered (or given up on), so a restart resumes where it stopped. A
/// failing delivery is retried with exponential backoff and jitter up to the
/// sink's `max_attempts`; then the event goes to the dead letters
/// (`complaint-gateway deliveries`) and the sink moves on, so one bad event
/// does not stop the rest.
public struct SinkService: Service {
    public let sink: SinkSettings
    let store: any FeedReader & SinkLedger
    let delivery: any FeedDelivery
    let notifier: FeedNotifier?
    let pollInterval: Duration
    let logger: Logger

    public init(sink: SinkSettings, store: any FeedReader & SinkLedger, delivery: any FeedDelivery, notifier: FeedNotifier? = nil,
                pollInterval: Duration = .seconds(1), logger: Logger) {
        self.sink = sink
        self.store = store
        self.delivery = delivery
        self.notifier = notifier
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        await run(until: StopSignal())
    }

    /// Delivers until `stop` (a reload that removes or changes the sink) or
    /// graceful shutdown; the event in hand is finished or left for the next run.
    public func run(until stop: StopSignal) async {
        while !stop.isStopped {
            let delivered: Bool
            do {
                delivered = try await deliverPending(stop: stop)
            } catch is CancellationError {
                return
            } catch {
                // The store is unavailable: wait and try again.
                logger.error("sink cannot read the feed", metadata: ["sink": "\(sink.name)", "error": "\(error)"])
                delivered = false
            }
            if !delivered {
                if let notifier {
                    await cancelWhenGracefulShutdown { await notifier.wait(timeout: pollInterval) }
                } else {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
                }
            }
        }
    }

    /// Delivers the next page of pending events; false when there were none.
    public func deliverPending(stop: StopSignal? = nil) async throws -> Bool {
        let cursor = try await store.sinkCursor(sink.name)
        let events = try await store.feed(after: cursor, limit: 100)
        guard !events.isEmpty else { return false }
        for event in events {
            if Task.isShuttingDownGracefully || Task.isCancelled || stop?.isStopped == true { throw CancellationError() }
            if sink.accepts(event) { try await deliverWithRetry(event) }
            try await store.advanceSink(sink.name, to: event.sequence)
        }
        return true
    }

    private func deliverWithRetry(_ event: FeedEvent) async throws {
        var lastError = ""
        for attempt in 1...sink.maxAttempts {
            do {
                try await delivery.deliver(event)
                Counter(label: ChannelMetrics.sinkDeliveries, dimensions: [("sink", sink.name), ("result", "delivered")]).increment()
                return
            } catch {
                lastError = "\(error)"
                logger.warning("delivery failed", metadata: ["sink": "\(sink.name)", "sequence": "\(event.sequence)",
                                                             "attempt": "\(attempt)", "error": "\(error)"])
            }
            if attempt < sink.maxAttempts {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: backoff(attempt: attempt)) }
                if Task.isShuttingDownGracefully { throw CancellationError() }
            }
        }
        Counter(label: ChannelMetrics.sinkDeliveries, dimensions: [("sink", sink.name), ("result", "dead_letter")]).increment()
        try await store.addDeadLetter(DeadLetter(sink: sink.name, sequence: event.sequence, attempts: sink.maxAttempts, error: lastError))
        logger.error("event moved to dead letters", metadata: ["sink": "\(sink.name)", "sequence": "\(event.sequence)", "error": "\(lastError)"])
    }

    /// initial × 2^(attempt-1), capped, times a jitter in [0.5, 1) so many
    /// gateways do not retry a recovering endpoint in step.
    func backoff(attempt: Int) -> Duration {
        let base = sink.initialBackoff * (1 << min(attempt - 1, 30))
        let capped = min(base, sink.maxBackoff)
        return capped * Double.random(in: 0.5..<1.0)
    }
}

/// Re-delivers dead letters (`complaint-gateway deliveries retry`): each one
/// delivered is removed; one that fails again stays, with the new error.
public struct DeadLetterRetrier: Sendable {
    let store: any FeedReader & SinkLedger
    let privacy: PersonalDataPolicy

    public init(store: any FeedReader & SinkLedger, privacy: PersonalDataPolicy) {
        self.store = store
        self.privacy = privacy
    }

    /// Returns (delivered, still failing).
    public func retry(sinks: [SinkSettings], only ids: Set<Int64> = [], sink name: String? = nil) async throws -> (Int, Int) {
        var delivered = 0, failing = 0
        for letter in try await store.deadLetters(sink: name, limit: 100_000) where ids.isEmpty || ids.contains(letter.id) {
            guard let sink = sinks.first(where: { $0.name == letter.sink }), let event = try await store.feedEvent(sequence: letter.sequence) else {
                failing += 1
                continue
            }
            do {
                try await makeDelivery(for: sink, privacy: privacy).deliver(event)
                try await store.removeDeadLetter(id: letter.id)
                delivered += 1
            } catch {
                try await store.removeDeadLetter(id: letter.id)
                try await store.addDeadLetter(DeadLetter(sink: letter.sink, sequence: letter.sequence, attempts: letter.attempts + 1, error: "\(error)"))
                failing += 1
            }
        }
        return (delivered, failing)
    }
}
