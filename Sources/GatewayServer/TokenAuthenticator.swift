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

/// Hides who complained from consumers without the `pii` scope: email keeps
/// its first character and domain (`l***@example.cn`), phone its first and last
/// four digits, name its first character. Enough to tell complaints apart, not
/// to contact or identify the customer.
public enum PIIMask {
    public static func apply(_ complaint: Complaint) -> Complaint {
        var masked = complaint
        masked.customer.email = complaint.customer.email.map(email)
        masked.customer.phone = complaint.customer.phone.map(phone)
        masked.customer.name = complaint.customer.name.map(name)
        return masked
    }

    static func email(_ value: String) -> String {
        guard let at = value.firstIndex(of: "@"), at > value.startIndex else { return "***" }
        return String(value[value.startIndex]) + "***" + value[at...]
    }

    static func phone(_ value: String) -> String {
        guard value.count > 8 else { return String(repeating: "*", count: value.count) }
        return String(value.prefix(4)) + String(repeating: "*", count: value.count - 8) + String(value.suffix(4))
    }

    static func name(_ value: String) -> String {
        guard let first = value.first else { return value }
        return String(first) + "*"
    }
}
