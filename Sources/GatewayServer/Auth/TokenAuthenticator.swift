import ComplaintModel
import Crypto
import GatewayCore
import Hummingbird
import HTTPTypes

/// Checks `Authorization: Bearer <token>` against the `[[token]]`s of
/// `channels.conf`: no or unknown token → 401, a token without the scope → 403.
///
/// Tokens are looked up by the SHA-256 of the presented value, so the secrets
/// are never compared byte by byte (no timing oracle on their content).
public struct TokenAuthenticator: Sendable {
    private let byDigest: [String: APIToken]

    public init(tokens: [APIToken]) {
        var table: [String: APIToken] = [:]
        for token in tokens { table[Hex.encode(SHA256.hash(data: token.secret.bytes))] = token }
        byDigest = table
    }

    /// Whether any token is configured.
    public var isConfigured: Bool { !byDigest.isEmpty }

    /// The request's token, if it grants `scope`.
    public func require(_ scope: APIToken.Scope, for request: Request) throws -> APIToken {
        guard isConfigured else {
            throw APIError(.unauthorized, code: "unauthorized",
                           message: "no API tokens are configured; add a [[token]] with scope \(scope.rawValue) to channels.conf",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, code: "unauthorized", message: "send Authorization: Bearer <token>",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        let presented = Array(header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces).utf8)
        guard let token = byDigest[Hex.encode(SHA256.hash(data: presented))] else {
            throw APIError(.unauthorized, code: "unauthorized", message: "unknown token",
                           headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
        }
        guard token.allows(scope) else {
            throw APIError(.forbidden, code: "insufficient_scope", message: "token \(token.name) lacks scope \(scope.rawValue)",
                           headers: [.wwwAuthenticate: #"Bearer error="insufficient_scope", scope="\#(scope.rawValue)""#])
        }
        return token
    }
}
