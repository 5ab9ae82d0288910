import Foundation
import HTTPTypes
import ComplaintModel
import GatewayCore
import Hummingbird
import Logging
import Metrics
import NIOCore
import Synchronization

/// `POST /v1/forms/{channel}`: takes a form post, archives it, runs it through
/// the pipeline and answers only once the complaint is committed.
///
/// Checks run cheapest first and before any byte is stored: channel, CORS
/// origin, rate limits, media type, declared length, then the body (read up to
/// the channel's limit), its signature and its idempotency key. Only then is
/// the body archived (durably) and processed.
public struct FormIntakeController: Sendable {
    let pipeline: IngestPipeline
    /// Channels and tokens in effect; each post reads them once, so a reload
    /// during a post does not change what that post is checked against.
    let live: LiveConfiguration
    let notifier: FeedNotifier?
    /// The most a client may take to send a body (`[server] body_timeout_seconds`).
    let bodyTimeout: Duration
    /// The most a post waits for its commit (`[server] store_timeout_seconds`).
    let storeTimeout: Duration
    /// `[server] trusted_proxies`: whose `X-Forwarded-For` names the client.
    let trustedProxies: [NetworkRange]
    let logger: Logger

    public init(pipeline: IngestPipeline, live: LiveConfiguration,
                notifier: FeedNotifier? = nil, bodyTimeout: Duration = .seconds(ServerSettings.defaultBodyTimeout),
                storeTimeout: Duration = .seconds(ServerSettings.defaultStoreTimeout), trustedProxies: [NetworkRange] = [], logger: Logger) {
        self.pipeline = pipeline
        self.live = live
        self.trustedProxies = trustedProxies
        self.bodyTimeout = bodyTimeout
        self.storeTimeout = storeTimeout
        self.notifier = notifier
        self.logger = logger
    }

    public func addRoutes(to router: Router<GatewayRequestContext>) {
        router.post("/v1/forms/:channel") { request, context in
            try await self.post(request, context: context)
        }
        router.on("/v1/forms/:channel", method: .options) { request, context in
            try self.preflight(request, context: context)
        }
    }

    /// What a successful post answers.
    struct Accepted: Encodable {
        var id: String
        var channel: String
        /// `accepted` (stored now) or `duplicate` (the same submission was stored before).
        var status: String
    }

    func post(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let name = context.parameters.get("channel") ?? ""
        let configuration = live.current
        guard let form = configuration.forms[name] else {
            throw APIError.notFound("no form channel named \"\(name)\"; form channels: \(configuration.forms.keys.sorted().joined(separator: ", "))")
        }
        let cors = try corsHeaders(request, form: form)
        let dimensions = [("channel", name)]
        let inFlight = Meter(label: "complaint_gateway_form_posts_in_flight", dimensions: dimensions)
        inFlight.increment()
        defer { inFlight.decrement() }
        do {
            let response = try await accept(request, context: context, form: form, auth: configuration.auth, cors: cors)
            Counter(label: ChannelMetrics.formPosts, dimensions: dimensions + [("status", "\(response.status.code)")]).increment()
            Timer(label: ChannelMetrics.formPostDuration, dimensions: dimensions, preferredDisplayUnit: .seconds)
                .record(duration: ContinuousClock.now - started)
            return response
        } catch var error as APIError {
            Counter(label: ChannelMetrics.formPosts, dimensions: dimensions + [("status", "\(error.status.code)")]).increment()
            for field in cors { error.headers.append(field) }
            throw error
        }
    }

    /// A post's steps, in order: admitted by its headers, its body read and
    /// verified, archived (durable before anything else happens to it),
    /// committed, answered from what the commit reports.
    private func accept(_ request: Request, context: GatewayRequestContext, form: FormChannel, auth: TokenAuthenticator,
                        cors: HTTPFields) async throws -> Response {
        let admitted = try admit(request, context: context, form: form, auth: auth)
        let body = try await readBody(request, context: context, intake: form.intake)
        let object = try await archive(body, channel: form.channel.name)
        let report = try await commit(object, admitted: admitted, request: request, context: context, form: form)
        if report.counts.new + report.counts.updated > 0 { notifier?.notify() }
        return try answer(report, object: object, idempotencyKey: admitted.idempotencyKey, request: request, form: form, cors: cors)
    }

    /// 202 with the id; browsers that asked for HTML go to the thank-you page.
    func respond(_ request: Request, form: FormChannel, accepted: Accepted, cors: HTTPFields) -> Response {
        var headers = cors
        if let thanks = form.intake.thankYouURL, Self.wantsHTML(request) {
            headers[.location] = thanks
            return Response(status: .seeOther, headers: headers)
        }
        return JSONBody.response(.accepted, accepted, headers: headers)
    }

    /// A browser's form navigation sends `Accept: text/html,...`; API clients do not.
    static func wantsHTML(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return false }
        return accept.contains("text/html") && !accept.hasPrefix("application/json")
    }

    /// CORS response headers for an allowed origin; 403 for a refused one.
    func corsHeaders(_ request: Request, form: FormChannel) throws -> HTTPFields {
        guard !form.intake.corsOrigins.isEmpty, let origin = request.headers[.origin] else { return [:] }
        guard form.intake.corsOrigins.contains(origin) else {
            throw APIError(.forbidden, code: "origin_not_allowed",
                           message: "origin \(origin) may not post to channel \(form.channel.name)")
        }
        return [.accessControlAllowOrigin: origin, .vary: "Origin"]
    }

    /// `OPTIONS` preflight from browsers posting JSON or custom headers.
    func preflight(_ request: Request, context: GatewayRequestContext) throws -> Response {
        let name = context.parameters.get("channel") ?? ""
        guard let form = live.current.forms[name] else { throw APIError.notFound("no form channel named \"\(name)\"") }
        var headers = try corsHeaders(request, form: form)
        headers[.accessControlAllowMethods] = "POST, OPTIONS"
        headers[.accessControlAllowHeaders] = "Content-Type, Idempotency-Key, \(RequestSignature.headerName)"
        headers[.accessControlMaxAge] = "600"
        return Response(status: .noContent, headers: headers)
    }
}
