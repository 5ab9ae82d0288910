import Foundation
import Testing
import GRDB
import GatewayCore
import SQLiteStore
import PostgresStore
import GatewayTestSupport

/// The store engines the shared store suite runs on: SQLite always,
/// PostgreSQL when a server is available (`PostgresTestServer.shared`).
public enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    /// The engines to test here and now.
    public static var available: [StoreEngine] {
        PostgresTestServer.isAvailable ? [.sqlite, .postgres] : [.sqlite]
    }

    /// Opens (creating or reopening) the store called `name` belonging to `dir`:
    /// a file in the folder, or a schema named after the folder.
    public func open(_ dir: TemporaryDirectory, name: String = "c") async throws -> any ComplaintStore {
        switch self {
        case .sqlite:
            return try SQLiteComplaintStore(path: dir.path("\(name).sqlite"))
        case .postgres:
            let server = try #require(PostgresTestServer.shared, "\(PostgresTestServer.unavailableReason ?? "")")
            // A long wait for a connection: other tests block the concurrency pool with child processes,
            // which delays the pool's connecting (an outage is tested separately, with the default).
            return try await PostgresComplaintStore(settings: server.settings(schema: Self.schema(for: dir, name: name)),
                                                    connectTimeout: .seconds(60))
        }
    }

    /// A schema name per (folder, store name): reopening finds the same one.
    public static func schema(for dir: TemporaryDirectory, name: String) -> String {
        let token = dir.url.lastPathComponent.lowercased().filter { $0.isLetter || $0.isNumber }
        return String("t_\(token.suffix(20))_\(name)".prefix(63))
    }
}

/// Raw SQL against either engine, for tests that age rows or look inside.
/// Written in PostgreSQL's dialect with `$n` parameters and `::type` casts;
/// for SQLite the parameters become `?n` and the casts are dropped (dates are
/// RFC 3339 text there).
public enum RawSQL {
    public static func execute(_ store: any ComplaintStore, _ sql: String, _ arguments: [String] = []) async throws {
        _ = try await rows(store, sql, arguments)
    }

    public static func rows(_ store: any ComplaintStore, _ sql: String, _ arguments: [String] = []) async throws -> [[String?]] {
        switch store {
        case let sqlite as SQLiteComplaintStore:
            let translated = sql.replacingOccurrences(of: #"::\w+"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"\$(\d+)"#, with: "?$1", options: .regularExpression)
            return try await sqlite.pool.write { db in
                try Row.fetchAll(db, sql: translated, arguments: StatementArguments(arguments)).map { row in
                    row.databaseValues.map { value in value.isNull ? nil : String.fromDatabaseValue(value) ?? Int64.fromDatabaseValue(value).map(String.init) }
                }
            }
        case let postgres as PostgresComplaintStore:
            return try await postgres.rawQuery(sql, arguments)
        default:
            throw RawSQLUnsupported()
        }
    }

    public struct RawSQLUnsupported: Error {}
}
