import ArgumentParser
import Foundation
import GatewayCore
import GatewayServer
import Metrics
import Prometheus

/// `complaint-gateway serve`: the long-running gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: form endpoints, drop-folder watchers, health and metrics, until SIGTERM or SIGINT.",
        discussion: """
            Listens on [server] listen (default \(ServerSettings.defaultListen)). Endpoints: \
            POST /v1/forms/{channel}, GET /healthz, GET /readyz, GET /metrics. Inputs interrupted \
            by a crash are processed first. On SIGTERM/SIGINT, requests and files in progress \
            finish (up to [server] shutdown_grace_seconds), then the process exits 0.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Listen address, overriding [server] listen.", valueName: "host:port"))
    var listen: String?

    func run() async throws {
        // Until the reload service traps SIGHUP, a hang-up must not kill the
        // process (its default action); `kill -HUP` early is then a no-op.
        signal(SIGHUP, SIG_IGN)
        let logger = global.logger("complaint-gateway.serve")
        do {
            let env = try GatewayEnvironment.load(global, serving: true)
            var settings = env.config.server
            if let listen {
                guard let parsed = ServerSettings.parseListen(listen) else {
                    throw ValidationError("--listen takes HOST:PORT, got \"\(listen)\"")
                }
                settings.host = parsed.host
                settings.port = parsed.port
            }
            try await ListenAddressCheck.verify(host: settings.host, port: settings.port)
            settings.maxConnections = DescriptorLimit.raise(fitting: settings.maxConnections, logger: logger)
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            var pipeline = IngestPipeline(archive: try env.openArchive(), store: try await env.openStore(),
                                          dedup: env.dedupStage, logger: logger)
            pipeline.inputLogLevel = .notice
            let path = global.config
            let source: ConfigSource = { () throws(ConfigError) in
                try ConfigLoader(registry: BuiltinPlugins.registry, servingSecrets: .reloading).load(path: path)
            }
            let server = GatewayServer(pipeline: pipeline, channels: env.channels, settings: settings,
                                       tokens: env.config.tokens, sinks: env.config.sinks, incidents: env.config.dedup.incidents,
                                       identity: env.config.dedup.identity,
                                       registry: registry, logger: logger,
                                       reloading: (source: source, startup: env.config))
            let host = settings.host
            try await server.run { port in
                // One line on stdout that scripts and tests wait for.
                FileHandle.standardOutput.write(Data("listening on \(host):\(port)\n".utf8))
            }
        } catch let error as ValidationError {
            throw error
        } catch let error as ListenAddressCheck.Unavailable {
            // A deployment problem, like a bad configuration: EX_CONFIG.
            StandardError.write("complaint-gateway: \(error)")
            throw GatewayExit.config
        } catch {
            throw GatewayExit.report(error)
        }
    }
}
