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
public struct FormIntakeController<Dedup: DedupStage>: Sendable {
    let pipeline: IngestPipeline<Dedup>
    /// Channels and tokens in effect; each post reads them once, so a reload
    /// during a post does not change what that post is checked against.
    let live: LiveConfiguration
    let notifier: FeedNotifier?
    /// The most a client may take to send a body (`[server] body_timeout_seconds`).
    let bodyTimeout: Duration
    /// The most a post waits for its commit (`[server] store_timeout_seconds`).
    let storeTimeout: Duration
    /// `[server] trusted_proxies`: whose `X-Forwarded-For` names the client.
    let trustedProxies: [IPRange]
    let logger: Logger

    public init(pipeline: IngestPipeline<Dedup>, live: LiveConfiguration,
                notifier: FeedNotifier? = nil, bodyTimeout: Duration = .seconds(ServerSettings.defaultBodyTimeout),
                storeTimeout: Duration = .seconds(ServerSettings.defaultStoreTimeout), trustedProxies: [IPRange] = [], logger: Logger) {
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

    private func accept(_ request: Request, context: GatewayRequestContext, form: FormChannel, auth: TokenAuthenticator,
                        cors: HTTPFields) async throws -> Response {
        let intake = form.intake, name = form.channel.name
        if intake.requiresToken { _ = try auth.require(.formsWrite, for: request) }
        if let limiter = form.channelLimiter, case .limited(let retry) = limiter.acquire(name) {
            throw APIError(.tooManyRequests, code: "rate_limited",
                           message: "channel \(name) takes at most \(limiter.limit) posts; retry in \(retry) s",
                           headers: [.retryAfter: "\(retry)"])
        }
        if let limiter = form.clientLimiter, case .limited(let retry) = limiter.acquire(context.clientAddress(of: request, trusting: trustedProxies)) {
            throw APIError(.tooManyRequests, code: "rate_limited",
                           message: "at most \(limiter.limit) posts per client; retry in \(retry) s",
                           headers: [.retryAfter: "\(retry)"])
        }
        guard let contentType = request.headers[.contentType],
              intake.acceptedMediaTypes.contains(HeaderParameters(parsing: contentType).value) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "Content-Type must be one of: \(intake.acceptedMediaTypes.joined(separator: ", "))",
                           headers: [.accept: intake.acceptedMediaTypes.joined(separator: ", ")])
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > intake.maxBodyBytes {
            throw Self.tooLarge(intake)
        }
        let key = request.headers[FormHeaders.idempotencyKey]
        if let key, key.isEmpty || key.utf8.count > FormHeaders.maxIdempotencyKey || !key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7F }) {
            throw APIError(.badRequest, code: "bad_idempotency_key",
                           message: "Idempotency-Key must be 1 to \(FormHeaders.maxIdempotencyKey) visible ASCII characters")
        }

        let buffer: ByteBuffer
        do {
            buffer = try await BodyDeadline.collect(request, upTo: intake.maxBodyBytes, within: bodyTimeout, channel: context.channel)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge(intake)
        }
        let body = Data(buffer.readableBytesView)
        if let secret = intake.signatureSecret,
           !RequestSignature.verify(request.headers[FormHeaders.signature], body: body, secret: secret) {
            throw APIError(.unauthorized, code: "bad_signature",
                           message: "this channel requires \(RequestSignature.headerName): sha256=<hex HMAC-SHA256 of the body>; it is missing or does not match")
        }

        // Durable before anything else happens to it.
        let archive = pipeline.archive
        let object: ArchivedObject
        do {
            object = try await BlockingIO.run { try archive.store(data: body) }
        } catch {
            logger.error("cannot archive a form post", metadata: ["channel": "\(name)", "error": "\(error)"])
            throw APIError(.serviceUnavailable, code: "archive_unavailable",
                           message: "the raw archive cannot store the post; nothing was accepted, retry later",
                           headers: [.retryAfter: "5"])
        }

        var metadata = [HTTPIntake.MetadataKey.remoteAddress: context.clientAddress(of: request, trusting: trustedProxies)]
        if let key { metadata[HTTPIntake.MetadataKey.idempotencyKey] = key }
        if let agent = request.headers[.userAgent] { metadata[HTTPIntake.MetadataKey.userAgent] = String(agent.prefix(512)) }
        let report: IngestReport
        do {
            report = try await withinStoreTimeout { [pipeline, metadata] in
                try await pipeline.processReporting(object, sourceName: "POST /v1/forms/\(name)", channel: form.channel,
                                                    mediaType: contentType, metadata: metadata)
            }
        } catch {
            // The post is archived and its ingestion stays "processing": recovery
            // finishes it, but the client was not told it succeeded, so it retries.
            throw APIError.storeUnavailable(error)
        }
        if report.counts.new + report.counts.updated > 0 { notifier?.notify() }

        if let rejection = report.rejections.first {
            switch rejection.kind {
            case .spam, .held:
                // Accepted-looking, so a bot learns nothing; quarantined for review.
                let decoy = ComplaintIdentity.id(channel: name, sourceID: "spam:\(object.sha256)")
                logger.notice("form post flagged as spam", metadata: ["channel": "\(name)", "raw": "\(object.sha256)", "reason": "\(PersonalTextScrubber().scrub(rejection.reason))"])
                return respond(request, form: form, accepted: Accepted(id: decoy, channel: name, status: "accepted"), cors: cors)
            case .invalid:
                throw APIError(.unprocessableContent, code: "validation_failed",
                               message: "the form has \(rejection.fields.count) invalid field\(rejection.fields.count == 1 ? "" : "s")",
                               fields: rejection.fields)
            case .malformed:
                throw APIError(.badRequest, code: "malformed_body", message: rejection.description)
            case .conflict:
                // Decided inside the write transaction: of concurrent posts reusing
                // one key or submission id with different bodies, exactly one wins.
                if let key {
                    throw APIError(.unprocessableContent, code: "idempotency_key_reused",
                                   message: "Idempotency-Key \(key) was used before with a different body; use a new key for a new submission")
                }
                throw APIError(.unprocessableContent, code: "submission_id_reused",
                               message: "this submission id was used before with a different body; a new submission needs a new id")
            }
        }
        guard let id = report.complaintIDs.first else {
            throw APIError(.unprocessableContent, code: "no_complaint", message: "the post held no complaint")
        }
        let status = report.counts.duplicate > 0 ? "duplicate" : "accepted"
        return respond(request, form: form, accepted: Accepted(id: id, channel: name, status: status), cors: cors)
    }

    /// Runs `work` (the commit of an archived post) and waits at most
    /// `storeTimeout` for it. The work is not cancelled at the deadline: it may
    /// still commit, which is harmless, since the client was not told it
    /// succeeded and its retry is the same submission (same key or body, same
    /// complaint id). What must not happen is a client waiting forever on a
    /// store that stopped answering.
    private func withinStoreTimeout(_ work: @escaping @Sendable () async throws -> IngestReport) async throws -> IngestReport {
        let processing = Task { try await work() }
        let timeout = storeTimeout
        // Not a task group: a group waits for all its children, and a child
        // awaiting `processing` would keep the answer waiting for the store.
        return try await withCheckedThrowingContinuation { continuation in
            let answered = Answered()
            Task {
                let result: Result<IngestReport, any Error>
                do { result = .success(try await processing.value) } catch { result = .failure(error) }
                if answered.claim() { continuation.resume(with: result) }
            }
            Task {
                try? await Task.sleep(for: timeout)
                if answered.claim() {
                    continuation.resume(throwing: StoreUnavailableError(reason: "the store did not commit the post within \(timeout)"))
                }
            }
        }
    }

    private static func tooLarge(_ intake: HTTPIntake) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "the body is over this channel's limit of \(intake.maxBodyBytes) bytes")
    }

    /// 202 with the id; browsers that asked for HTML go to the thank-you page.
    private func respond(_ request: Request, form: FormChannel, accepted: Accepted, cors: HTTPFields) -> Response {
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

/// Header names of form posts.
enum FormHeaders {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let signature = HTTPField.Name(RequestSignature.headerName)!
    static let maxIdempotencyKey = 255
}

/// Whether a request was answered: the first of two racing tasks claims it.
private final class Answered: Sendable {
    private let done = Atomic<Bool>(false)

    func claim() -> Bool {
        !done.exchange(true, ordering: .acquiringAndReleasing)
    }
}
