import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Hummingbird
import Logging
import Metrics
import Prometheus
import SQLiteStore
import ServiceLifecycle
import Testing
import WebFormChannel

/// The process-wide metrics backend of these tests (swift-metrics can be
/// bootstrapped once per process).
enum TestMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

/// A real gateway server on a loopback port, with a real SQLite store and
/// archive in a temporary folder, and a URLSession client.
struct ServerFixture {
    let dir: TemporaryDirectory
    var pipeline: IngestPipeline {
        IngestPipeline(archive: archive, store: store, dedup: ExactDedupStage())
    }
    let store: SQLiteComplaintStore
    let archive: RawArchive
    let channels: [ConfiguredChannel]
    let tokens: [APIToken]
    let config: GatewayConfig
    let plugins: [any ChannelPlugin]
    /// The configuration as a file, which `POST /v1/admin/reload` re-reads.
    var configFile: URL { dir.url.appendingPathComponent("channels.conf") }

    static let formChannel = """
        [[channel]]
        name = "web"
        type = "web_form"
        honeypot = "website"
        thank_you_url = "https://www.example.com/thanks"
        cors_origins = ["https://www.example.com"]
        rate_limit_per_client = "1000/second"
        max_body_bytes = 4096
        [channel.fields]
        name    = { to = "customer.name" }
        email   = { to = "customer.email", required = true }
        phone   = { to = "customer.phone" }
        topic   = { type = "choice", choices = ["billing", "outage"], required = true }
        message = { to = "body" }
        photo   = { to = "attachment" }
        """

    init(config: String = ServerFixture.formChannel, plugins: [any ChannelPlugin] = [WebFormPlugin(), LineChannelPlugin()]) throws {
        dir = try TemporaryDirectory("server")
        store = try SQLiteComplaintStore(path: dir.url.appendingPathComponent("complaints.sqlite"))
        archive = try RawArchive(root: dir.url.appendingPathComponent("archive"))
        TestTokens.export()
        let loaded = try TestChannels.load(config, plugins: plugins, baseDirectory: dir.url)
        channels = loaded.channels
        tokens = loaded.config.tokens
        self.config = loaded.config
        self.plugins = plugins
        _ = try dir.write("channels.conf", config)
    }

    /// Replaces the configuration file (then reload over HTTP).
    func rewriteConfig(_ text: String) throws {
        _ = try dir.write("channels.conf", text)
    }

    /// Runs a server for the duration of `body`, which gets its base URL.
    func withServer(scanInterval: Int = 1, heartbeat: Duration = .seconds(15),
                    configure: (inout ServerSettings) -> Void = { _ in },
                    _ body: (URL) async throws -> Void) async throws {
        try await withServer(dedup: ExactDedupStage(), scanInterval: scanInterval, heartbeat: heartbeat, configure: configure, body)
    }

    /// Runs a server with the given dedup stage (the full one for clusters and incident levels).
    func withServer(dedup: any DedupStage, scanInterval: Int = 1, heartbeat: Duration = .seconds(15),
                                       configure: (inout ServerSettings) -> Void = { _ in },
                                       _ body: (URL) async throws -> Void) async throws {
        var settings = ServerSettings()
        settings.port = 0
        settings.scanInterval = scanInterval
        configure(&settings)
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        let pipeline = IngestPipeline(archive: archive, store: store, dedup: dedup, logger: logger)
        let path = configFile.path, registry = PluginRegistry(plugins)
        let source: ConfigSource = { () throws(ConfigError) in try ConfigLoader(registry: registry).load(path: path) }
        var server = GatewayServer(pipeline: pipeline, channels: channels, settings: settings, tokens: tokens, sinks: config.sinks,
                                   incidents: config.dedup.incidents, identity: config.dedup.identity, registry: TestMetrics.registry, logger: logger, reloading: (source: source, startup: config))
        server.streamHeartbeat = heartbeat
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.makeApplication { port in continuation.yield(port) }
        let folders = server.makeDropFolderService()
        // Stopped as `serve` stops (graceful shutdown, then cancellation after a
        // grace), so the test output does not fill with cancelled-connection errors.
        var configuration = ServiceGroupConfiguration(services: [.init(service: app), .init(service: folders),
                                                                 .init(service: server.makeSinkSupervisor()),
                                                                 .init(service: server.consoleReplays)], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        let services = ServiceGroup(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                try await body(URL(string: "http://127.0.0.1:\(port)")!)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

/// An HTTP response as the tests see it.
struct HTTPResult {
    var status: Int
    var headers: [String: String]
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// A URLSession client that does not follow redirects (303 is asserted as such).
final class TestHTTPClient: Sendable {
    static let shared = TestHTTPClient()
    let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        // Cookies are per host, not per port: a console session one test's server
        // set would ride along to every other test's server on 127.0.0.1 and
        // replace the Cookie header a test sends. Tests send cookies themselves.
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        // A session-level delegate: on Linux a per-task one is not asked about redirects.
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    func send(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPResult {
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        request.httpBody = body
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { fields["\(k)"] = "\(v)" }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }

    func post(_ url: URL, _ body: String, contentType: String = "application/x-www-form-urlencoded",
              headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["Content-Type"] = contentType
        return try await send("POST", url, headers: all, body: Data(body.utf8))
    }

}

final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

/// API tokens of the tests, exported to the environment the config refers to.
enum TestTokens {
    static let reader = "reader-token-0123456789abcdef"
    static let analyst = "analyst-token-0123456789abcdef"
    static let poster = "poster-token-0123456789abcdef"
    static let admin = "admin-token-0123456789abcdef"
    static let lead = "lead-token-0123456789abcdef"

    /// `[[token]]` tables for a test config.
    static let config = """

        [[token]]
        name = "reader"
        secret = { env = "CG_TEST_READER_TOKEN" }
        scopes = ["feed:read"]

        [[token]]
        name = "analyst"
        secret = { env = "CG_TEST_ANALYST_TOKEN" }
        scopes = ["feed:read", "pii"]

        [[token]]
        name = "poster"
        secret = { env = "CG_TEST_POSTER_TOKEN" }
        scopes = ["forms:write"]

        [[token]]
        name = "admin"
        secret = { env = "CG_TEST_ADMIN_TOKEN" }
        scopes = ["admin"]

        [[token]]
        name = "lead"
        secret = { env = "CG_TEST_LEAD_TOKEN" }
        scopes = ["admin", "pii"]
        """

    static func export() {
        setenv("CG_TEST_LEAD_TOKEN", lead, 1)
        setenv("CG_TEST_READER_TOKEN", reader, 1)
        setenv("CG_TEST_ANALYST_TOKEN", analyst, 1)
        setenv("CG_TEST_POSTER_TOKEN", poster, 1)
        setenv("CG_TEST_ADMIN_TOKEN", admin, 1)
    }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }
}
