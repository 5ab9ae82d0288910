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
public struct GatewayServer: Sendable {
    public let pipeline: IngestPipeline
    /// Channels, tokens and sinks in effect; replaced by each reload.
    public let live: LiveConfiguration
    /// Reloads `channels.conf` (SIGHUP, `POST /v1/admin/reload`); nil when the
    /// server was built without a file to reload.
    public let reloader: ConfigReloader?
    public let settings: ServerSettings
    public let registry: PrometheusCollectorRegistry
    public let readiness = ServerReadiness()
    /// Wakes live streams after this process commits.
    public let notifier = FeedNotifier()
    /// Failing remote sources (IMAP folders), for `/readyz`.
    public let sourceHealth = SourceHealth()
    /// Open connections against `[server] max_connections`.
    public let connections: ConnectionLimiter
    /// Signed-in console sessions, and replays started from the console.
    public let consoleSessions = ConsoleSessions()
    public let consoleReplays = ConsoleReplayJobs()
    /// The `[incidents]` levels in effect (a restart applies a change), shown by the console.
    public let incidents: IncidentSettings
    /// The `[identity]` settings profiles are read with (a restart applies a change).
    public let identity: IdentitySettings
    /// Idle live streams send a comment this often.
    public var streamHeartbeat: Duration = .seconds(15)
    public let logger: Logger

    /// - Parameter reloading: where reloads read the file from, and the
    ///   configuration at start-up (for the sections only a restart applies).
    public init(pipeline: IngestPipeline, channels: [ConfiguredChannel], settings: ServerSettings,
                tokens: [APIToken] = [], sinks: [SinkSettings] = [], incidents: IncidentSettings = IncidentSettings(),
                identity: IdentitySettings = IdentitySettings(), registry: PrometheusCollectorRegistry, logger: Logger, reloading: (source: ConfigSource, startup: GatewayConfig)? = nil) {
        self.incidents = incidents
        self.identity = identity
        let live = LiveConfiguration(channels: channels, tokens: tokens, sinks: sinks)
        self.live = live
        self.reloader = reloading.map { ConfigReloader(live: live, source: $0.source, startup: $0.startup, logger: logger) }
        self.pipeline = pipeline
        self.settings = settings
        self.connections = ConnectionLimiter(limit: settings.maxConnections)
        self.registry = registry
        self.logger = logger
        ChannelMetrics.declare(live.current)
        IngestMetrics.declare(incidentLevels: incidents.levels)
    }

    /// The channels in effect now.
    public var channels: [ConfiguredChannel] { live.current.channels }

    /// The routes, behind the JSON error middleware.
    public func makeRouter() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware())
        HealthController(store: pipeline.store, archive: pipeline.archive, live: live, readiness: readiness, sources: sourceHealth,
                         registry: registry).addRoutes(to: router)
        FormIntakeController(pipeline: pipeline, live: live, notifier: notifier,
                             bodyTimeout: .seconds(settings.bodyTimeout), storeTimeout: .seconds(settings.storeTimeout),
                             trustedProxies: settings.trustedProxies, logger: logger).addRoutes(to: router)
        FeedController(store: pipeline.store, live: live, notifier: notifier, readiness: readiness, heartbeat: streamHeartbeat).addRoutes(to: router)
        AdminController(live: live, reloader: reloader).addRoutes(to: router)
        CustomersController(store: pipeline.store, live: live, identity: identity).addRoutes(to: router)
        let access = ConsoleAccess(live: live, sessions: consoleSessions)
        ConsoleController(access: access, server: settings).addRoutes(to: router)
        ConsoleAPI(pipeline: pipeline, live: live, access: access, reloader: reloader, sources: sourceHealth, incidents: incidents,
                   identity: identity, replays: consoleReplays, notifier: notifier).addRoutes(to: router)
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
    public func makeDropFolderService() -> DropFolderService {
        DropFolderService(pipeline: pipeline, live: live, interval: .seconds(settings.scanInterval), notifier: notifier, logger: logger)
    }

    /// The feed poller (channels with poll targets).
    public func makeFeedPollerService() -> FeedPollerService {
        FeedPollerService(pipeline: pipeline, live: live, notifier: notifier, logger: logger)
    }

    /// One fetching worker per remote source (IMAP folder), following reloads.
    public func makeRemoteSourceService() -> RemoteSourceService {
        RemoteSourceService(pipeline: pipeline, live: live, health: sourceHealth, notifier: notifier, logger: logger)
    }

    /// One delivery worker per `[[sink]]`, following reloads.
    public func makeSinkSupervisor() -> SinkSupervisor {
        SinkSupervisor(store: pipeline.store, live: live, notifier: notifier, logger: logger)
    }

    /// Recovers interrupted inputs, then runs everything until SIGTERM/SIGINT.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let recovered = try await pipeline.recoverInterrupted(channels: channels)
        if recovered > 0 { logger.notice("recovered interrupted inputs", metadata: ["count": "\(recovered)"]) }
        let configuration = live.current
        let logger = self.logger, host = settings.host
        let application = makeApplication { port in
            // Said once the port is bound, never before.
            logger.notice("serving", metadata: [
                "listen": "\(host):\(port)",
                "form_channels": "\(configuration.forms.keys.sorted().joined(separator: ","))",
                "drop_folder_channels": "\(configuration.channels.filter { !$0.plugin.watchedFolders(in: $0.settings).isEmpty }.map(\.name).joined(separator: ","))",
                "polled_channels": "\(configuration.channels.filter { !$0.pollTargets.isEmpty || !$0.remoteSources.isEmpty }.map(\.name).joined(separator: ","))",
                "sinks": "\(configuration.sinks.map(\.name).joined(separator: ","))",
            ])
            await onRunning(port)
        }
        // Shut down last to first: the announcer first (readiness off, live
        // streams end), then a console replay stops between inputs, sinks,
        // pollers and folders finish what they hold, and the listener last,
        // once in-flight posts are answered.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: application), .init(service: makeDropFolderService()), .init(service: makeFeedPollerService()),
            .init(service: makeRemoteSourceService()), .init(service: makeSinkSupervisor()), .init(service: consoleReplays),
        ]
        if let reloader { services.append(.init(service: ReloadOnHangup(reloader: reloader))) }
        services.append(.init(service: ShutdownAnnouncer(readiness: readiness, notifier: notifier, grace: settings.shutdownGrace, logger: logger)))
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                              cancellationSignals: [], logger: logger)
        // In-flight posts and files get this long to finish; then they are cancelled
        // (what was archived but not finished is recovered at the next start).
        group.maximumGracefulShutdownDuration = .seconds(settings.shutdownGrace)
        try await ServiceGroup(configuration: group).run()
        logger.notice("stopped")
    }
}
