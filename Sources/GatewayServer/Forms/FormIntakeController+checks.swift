import Foundation
import HTTPTypes
import GatewayCore
import Hummingbird
import NIOCore

/// The checks a post passes before a byte of it is stored, cheapest first.
extension FormIntakeController {
    /// What the headers of an admitted post said.
    struct AdmittedPost {
        var contentType: String
        var idempotencyKey: String?
    }

    /// Token, rate limits, media type, declared length and idempotency key.
    func admit(_ request: Request, context: GatewayRequestContext, form: FormChannel, auth: TokenAuthenticator) throws -> AdmittedPost {
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
        return AdmittedPost(contentType: contentType, idempotencyKey: key)
    }

    /// The body, read up to the channel's limit within the body timeout, and
    /// its signature when the channel requires one.
    func readBody(_ request: Request, context: GatewayRequestContext, intake: HTTPIntake) async throws -> Data {
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
        return body
    }

    static func tooLarge(_ intake: HTTPIntake) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "the body is over this channel's limit of \(intake.maxBodyBytes) bytes")
    }
}
