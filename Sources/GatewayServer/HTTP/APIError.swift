import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import Logging

/// An error answered to an HTTP client: the status, and a JSON body
/// `{"error": {"code", "message", "fields"?}}` that a program can branch on
/// (`code`) and a person can read (`message`).
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Stable, snake_case: clients branch on it.
    public var code: String
    public var message: String
    /// For validation failures: each field at fault.
    public var fields: [Rejection.FieldProblem]
    /// Extra response headers (Retry-After, CORS, WWW-Authenticate).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, fields: [Rejection.FieldProblem] = [],
                headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    struct Body: Encodable {
        struct Inner: Encodable {
            var code: String
            var message: String
            var fields: [Rejection.FieldProblem]?
        }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        let body = Body(error: .init(code: code, message: message, fields: fields.isEmpty ? nil : fields))
        return Response(status: status, headers: headers, body: .init(byteBuffer: JSONBody.encode(body)))
    }

    // The errors every route can answer.

    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message: message) }

    /// The store did not answer. The cause (which may name a path, a host or
    /// a role) goes to the log under a reference the client is given instead.
    static func storeUnavailable(_ error: any Error) -> APIError {
        let reference = logged(error, as: "store unavailable")
        return APIError(.serviceUnavailable, code: "store_unavailable",
                        message: "the complaint store is unavailable; nothing was accepted, retry later (reference \(reference) in the gateway's log)",
                        headers: [.retryAfter: "5"])
    }

    /// An unexpected error: a 500 with a reference to the log line that has its cause.
    static func internalError(_ error: any Error, path: String) -> APIError {
        let reference = logged(error, as: "request failed", path: path)
        return APIError(.internalServerError, code: "internal", message: "internal error (reference \(reference) in the gateway's log)")
    }

    static let log = Logger(label: "complaint-gateway.http")

    /// Logs `error` under a new reference and returns the reference.
    static func logged(_ error: any Error, as message: Logger.Message, path: String? = nil) -> String {
        let reference = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var metadata: Logger.Metadata = ["reference": "\(reference)", "error": "\(error)"]
        if let path { metadata["path"] = "\(path)" }
        log.error(message, metadata: metadata)
        return reference
    }
}

/// JSON response bodies: sorted keys so responses are stable, no escaped slashes.
enum JSONBody {
    static func encode(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":{"code":"internal","message":"cannot encode the response"}}"#.utf8)
        return ByteBuffer(bytes: data)
    }

    static func response(_ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: encode(value)))
    }
}
