import GatewayCore
import Hummingbird
import HTTPTypes

/// Who may use the console: a session cookie or an `Authorization: Bearer`
/// token, either with scope `admin`; personal data only with scope `pii` too.
/// A request that changes something must also carry `X-Console-Request`
/// (a cross-site form cannot set it), besides the SameSite=Strict cookie.
struct ConsoleAccess: Sendable {
    let live: LiveConfiguration
    let sessions: ConsoleSessions

    static let cookieName = "cg_console"
    static let requestHeader = HTTPField.Name("X-Console-Request")!

    struct Grant {
        var token: APIToken
        var pii: Bool
    }

    /// The caller's grant; 401 without credentials, 403 without scope `admin`.
    func require(_ request: Request, changing: Bool = false) throws -> Grant {
        let configuration = live.current
        let token: APIToken
        if request.headers[.authorization] != nil {
            token = try configuration.auth.require(.admin, for: request)
        } else {
            guard let id = Self.sessionID(request) else {
                throw APIError(.unauthorized, code: "unauthorized", message: "sign in at /console/login with a token that has scope admin")
            }
            guard let found = sessions.token(forSession: id, among: configuration.tokens) else {
                throw APIError(.unauthorized, code: "unauthorized", message: "the session has ended; sign in again at /console/login")
            }
            guard found.allows(.admin) else {
                throw APIError(.forbidden, code: "insufficient_scope", message: "token \(found.name) lacks scope admin")
            }
            if changing, request.headers[Self.requestHeader] == nil {
                throw APIError(.forbidden, code: "missing_header", message: "send X-Console-Request: 1 with console changes")
            }
            token = found
        }
        return Grant(token: token, pii: token.scopes.contains(.pii))
    }

    static func sessionID(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(cookieName + "=") { return String(pair.dropFirst(cookieName.count + 1)) }
            }
        }
        return nil
    }
}
