import GatewayCore
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import Prometheus
import ServiceLifecycle

/// `complaint-gateway serve`, assembled: the HTTP application (forms, health,
/// metrics) and the drop-folder watchers, run as one service group with
/// graceful shutdown on SIGTERM and SIGINT.
///
/// Generic over the store and the dedup stage, the parts a deployment swaps.
public struct GatewayServer<Store: ComplaintStore, Dedup: DedupStage>: Sendable {
    public let pipeline: IngestPipeline<Store, Dedup>
    public let channels: [ConfiguredChannel]
    public let settings: ServerSettings
    public let auth: TokenAuthenticator
    public let sinks: [SinkSettings]
    public let registry: PrometheusCollectorRegistry
    public let readiness = ServerReadiness()
    /// Wakes live streams after this process commits.
    public let notifier = FeedNotifier()
    /// Open connections against `[server] max_connections`.
    public let connections: ConnectionLimiter
    /// Idle live streams send a comment this often.
    public var streamHeartbeat: Duration = .seconds(15)
    public let logger: Logger

    public init(pipeline: IngestPipeline<Store, Dedup>, channels: [ConfiguredChannel], settings: ServerSettings,
                tokens: [APIToken] = [], sinks: [SinkSettings] = [], registry: PrometheusCollectorRegistry, logger: Logger) {
        self.sinks = sinks
        self.auth = TokenAuthenticator(tokens: tokens)
        self.pipeline = pipeline
        self.channels = channels
        self.settings = settings
        self.connections = ConnectionLimiter(limit: settings.maxConnections)
        self.registry = registry
        self.logger = logger
    }

    /// The routes, behind the JSON error middleware.
    public func makeRouter() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware())
        HealthController(store: pipeline.store, archive: pipeline.archive, readiness: readiness, registry: registry).addRoutes(to: router)
        FormIntakeController(pipeline: pipeline, channels: channels, auth: auth, notifier: notifier,
                             bodyTimeout: .seconds(settings.bodyTimeout), storeTimeout: .seconds(settings.storeTimeout),
                             logger: logger).addRoutes(to: router)
        FeedController(store: pipeline.store, auth: auth, notifier: notifier, privacy: privacy, heartbeat: streamHeartbeat).addRoutes(to: router)
        return router
    }

    /// The HTTP application alone (tests run it on port 0).
    ///
    /// - Parameter onRunning: called with the bound port once the server accepts connections.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let readiness = self.readiness
        let limiter = connections
        // The idle timeout closes connections that send nothing: idle keep-alives,
        // headers that never finish, a body shorter than its Content-Length, a
        // chunked body left open. Without it a flood of such clients held every
        // file descriptor.
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [limiter.makeHandler()],
                                               idleTimeout: .seconds(Int64(settings.idleTimeout)))
        return Application(
            router: makeRouter(),
            server: .http1(configuration: http1),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "complaint-gateway"),
            onServerRunning: { channel in
                readiness.markStarted()
                await onRunning(channel.localAddress?.port ?? 0)
            },
            logger: logger)
    }

    /// The drop-folder watcher.
    public func makeDropFolderService() -> DropFolderService<Store, Dedup> {
        DropFolderService(pipeline: pipeline, channels: channels, interval: .seconds(settings.scanInterval), notifier: notifier, logger: logger)
    }

    /// The feed poller (channels with poll targets).
    public func makeFeedPollerService() -> FeedPollerService<Store, Dedup> {
        FeedPollerService(pipeline: pipeline, channels: channels, notifier: notifier, logger: logger)
    }

    /// What readers without the `pii` scope see of each channel's complaints.
    var privacy: PersonalDataPolicy { PersonalDataPolicy(channels: channels) }

    /// One delivery service per `[[sink]]`.
    public func makeSinkServices() throws -> [SinkService<Store>] {
        try sinks.map { SinkService(sink: $0, store: pipeline.store, delivery: try makeDelivery(for: $0, privacy: privacy), notifier: notifier, logger: logger) }
    }

    /// Recovers interrupted inputs, then runs everything until SIGTERM/SIGINT.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let recovered = try await pipeline.recoverInterrupted(channels: channels)
        if recovered > 0 { logger.notice("recovered interrupted inputs", metadata: ["count": "\(recovered)"]) }
        let folders = makeDropFolderService()
        let poller = makeFeedPollerService()
        logger.notice("serving", metadata: [
            "listen": "\(settings.host):\(settings.port)",
            "form_channels": "\(channels.filter { $0.httpIntake != nil }.map(\.name).joined(separator: ","))",
            "drop_folder_channels": "\(folders.channelNames.joined(separator: ","))",
            "polled_channels": "\(poller.channelNames.joined(separator: ","))",
            "sinks": "\(sinks.map(\.name).joined(separator: ","))",
        ])
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: makeApplication(onRunning: onRunning)), .init(service: folders), .init(service: poller)]
                + (try makeSinkServices()).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger)
        // In-flight posts and files get this long to finish; then they are cancelled
        // (what was archived but not finished is recovered at the next start).
        configuration.maximumGracefulShutdownDuration = .seconds(settings.shutdownGrace)
        try await ServiceGroup(configuration: configuration).run()
    }
}
