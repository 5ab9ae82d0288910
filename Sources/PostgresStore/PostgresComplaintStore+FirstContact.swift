import Logging
import NIOCore
import PostgresNIO
import GatewayCore

extension PostgresComplaintStore {
    /// Opens and closes one connection outside the pool, within `timeout`.
    ///
    /// postgres-nio's pool waits for a connection forever while the server
    /// refuses it and logs the reason only at `info` (postgres-nio #489), so
    /// without this a wrong role, password, database or `sslmode=require`
    /// against a server without TLS would all read "no connection within 5
    /// seconds". Here PostgreSQL's own message and SQLSTATE reach the one line
    /// the admin sees, and a refusal waiting cannot fix is a configuration
    /// error (exit 78), not an outage (75).
    static func firstContact(_ settings: PostgresSettings, timeout: Duration, logger: Logger) async throws {
        let place = "PostgreSQL \(settings.username)@\(settings.host):\(settings.port)/\(settings.database)"
        var configured = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username,
            password: settings.password.map { String(decoding: $0.bytes, as: UTF8.self) },
            database: settings.database, tls: try connectionTLS(settings.tls))
        configured.options.connectTimeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                             + timeout.components.attoseconds / 1_000_000_000)
        configured.options.additionalStartupParameters = [("search_path", settings.schema)]
        let configuration = configured
        let connected: Bool
        do {
            connected = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                    try? await connection.close()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
        } catch let error as PSQLError {
            if let refused = refusal(error) { throw StoreConfigurationError(reason: "\(place): \(refused.reason)") }
            throw StoreUnavailableError(reason: "\(place): \(describe(error))")
        } catch is CancellationError {
            throw StoreUnavailableError(reason: "\(place): cancelled")
        } catch {
            throw StoreUnavailableError(reason: "\(place): \(error)")
        }
        guard connected else { throw StoreUnavailableError(reason: "no connection to \(place) within \(timeout)") }
    }

    /// The refusals that waiting will not fix, worded for the admin; nil for
    /// everything else (an outage, a bug).
    static func refusal(_ error: PSQLError) -> StoreConfigurationError? {
        switch error.code {
        case .sslUnsupported:
            return StoreConfigurationError(reason: "the server does not offer TLS, and the url says sslmode=require; enable ssl on the server or use sslmode=disable on a private network")
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword:
            return StoreConfigurationError(reason: "\(describe(error)); set [storage] password = { env = \"NAME\" } or { file = \"PATH\" }")
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // 28: invalid authorization (no such role, wrong password); 3D000: no
            // such database; 42501: insufficient privilege; 3F000: no such schema.
            guard state.hasPrefix("28") || state == "3D000" || state == "42501" || state == "3F000" else { return nil }
            var reason = describe(error)
            if state == "42501" || state == "3F000" { reason += "; grant what `complaint-gateway postgres grants` prints" }
            return StoreConfigurationError(reason: reason)
        default:
            return nil
        }
    }

    /// `FATAL 28000: role "nosuchuser" does not exist`, or the connection error.
    static func describe(_ error: PSQLError) -> String {
        guard error.code == .server, let info = error.serverInfo else {
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
        let severity = info[.severity] ?? "ERROR", state = info[.sqlState] ?? "?", message = info[.message] ?? "error"
        return "\(severity) \(state): \(message)" + (info[.hint].map { " (\($0))" } ?? "")
    }
}
