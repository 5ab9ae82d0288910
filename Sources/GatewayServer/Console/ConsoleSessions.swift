import Crypto
import Foundation
import GatewayCore
import Synchronization

/// Signed-in console sessions, in memory: a browser holds only a random
/// session id (an HttpOnly, SameSite=Strict cookie), never the token. A
/// session names the token it was opened with and that token's digest, so
/// rotating or removing the token by a reload ends its sessions. A restart
/// ends every session (sign in again).
public final class ConsoleSessions: Sendable {
    struct Session {
        var token: String
        var digest: [UInt8]
        var expires: Date
    }

    /// How long a session lasts without a request.
    public let idleTimeout: TimeInterval
    private let sessions = Mutex<[String: Session]>([:])
    static let maximumSessions = 1_000

    public init(idleTimeout: TimeInterval = 8 * 3_600) {
        self.idleTimeout = idleTimeout
    }

    /// Opens a session for `token` and returns its id (256 random bits).
    func open(for token: APIToken, now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let id = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            // A flood of sign-ins cannot grow memory: the oldest sessions go first.
            while sessions.count >= Self.maximumSessions, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
                sessions[oldest.key] = nil
            }
            sessions[id] = Session(token: token.name, digest: Self.digest(token), expires: now.addingTimeInterval(idleTimeout))
        }
        return id
    }

    /// The token a live session was opened with, if it is still configured
    /// with the same secret; extends the session.
    func token(forSession id: String, among tokens: [APIToken], now: Date = Date()) -> APIToken? {
        sessions.withLock { sessions -> APIToken? in
            guard var session = sessions[id], session.expires > now else {
                sessions[id] = nil
                return nil
            }
            guard let token = tokens.first(where: { $0.name == session.token }), Self.digest(token) == session.digest else {
                sessions[id] = nil
                return nil
            }
            session.expires = now.addingTimeInterval(idleTimeout)
            sessions[id] = session
            return token
        }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    private static func digest(_ token: APIToken) -> [UInt8] {
        Array(SHA256.hash(data: token.secret.bytes))
    }
}
