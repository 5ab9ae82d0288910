import GatewayCore
import Logging
import ServiceLifecycle

/// Runs one `SinkService` per `[[sink]]` in effect, following reloads: a
/// removed or changed sink stops after the event in hand (its cursor stays in
/// the store, so a sink added back resumes where it stopped).
public struct SinkSupervisor: Service {
    let store: any FeedReader & SinkLedger
    let live: LiveConfiguration
    let notifier: FeedNotifier?
    let logger: Logger

    public init(store: any FeedReader & SinkLedger, live: LiveConfiguration, notifier: FeedNotifier?, logger: Logger) {
        self.store = store
        self.live = live
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        let store = self.store, notifier = self.notifier, logger = self.logger, live = self.live
        let workers = WorkerSet<SinkSettings>(
            items: { configuration in configuration.sinks.map { (key: $0.name, item: $0) } },
            unchanged: { old, new in old == new },
            work: { sink, stop in
                let delivery: any FeedDelivery
                do {
                    delivery = try makeDelivery(for: sink, privacy: live.current.privacy)
                } catch {
                    logger.error("sink cannot start", metadata: ["sink": "\(sink.name)", "error": "\(error)"])
                    return
                }
                await SinkService(sink: sink, store: store, delivery: delivery, notifier: notifier, logger: logger).run(until: stop)
            })
        await workers.run(following: live)
        logger.notice("sinks stopped")
    }
}
