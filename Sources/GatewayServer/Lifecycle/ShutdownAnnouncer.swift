import Logging
import ServiceLifecycle

/// The first service told of a graceful shutdown (SIGTERM, SIGINT): logs it,
/// turns `/readyz` to 503 so balancers stop sending, and ends the live
/// streams, which would otherwise hold the listener open for the whole grace
/// period.
struct ShutdownAnnouncer: Service {
    let readiness: ServerReadiness
    let notifier: FeedNotifier
    let grace: Int
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.notice("shutting down: finishing posts and inputs in progress, closing live streams",
                      metadata: ["grace_seconds": "\(grace)"])
        readiness.markStopping()
        notifier.notify()
    }
}
