import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Makes every error a JSON error body: the router's 404/405, a body over the
/// limit, and anything unexpected (a 500 that names no internals; the log has
/// the details). Without it Hummingbird answers some errors with an empty body.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "the request body is over this endpoint's limit")
        } catch let error as HTTPParserError {
            // A broken request (a chunk size that is not hex, a bad header) is the
            // client's fault, never a 500; the connection cannot be trusted after it.
            throw APIError(.badRequest, code: "malformed_request", message: "the request is not valid HTTP/1.1: \(error)",
                           headers: [.connection: "close"])
        } catch let error as HTTPError {
            let code = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .badRequest: "bad_request"
            case .contentTooLarge: "body_too_large"
            default: "http_\(error.status.code)"
            }
            throw APIError(error.status, code: code, message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, code: "http_\(error.status.code)", message: error.status.reasonPhrase)
        } catch {
            throw APIError.internalError(error, path: request.uri.path)
        }
    }
}
