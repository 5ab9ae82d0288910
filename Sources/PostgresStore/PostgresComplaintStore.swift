import Foundation
import Synchronization
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import NIOSSL
import ComplaintModel
import GatewayCore

/// The store for more than one machine: PostgreSQL through postgres-nio's
/// connection pool, shared by any number of gateway instances.
///
/// Same model and behaviour as `SQLiteComplaintStore` (both pass one test
/// suite). What sharing needs on top:
/// - **Commit order.** Every `commit` first takes a transaction-level advisory
///   lock, so commits run one at a time across instances, as SQLite's single
///   writer does. Feed sequences are drawn under that lock and the lock is
///   released only after the commit is visible, so a consumer that has seen
///   sequence 11 can never later find a 10 (READ COMMITTED is required: each
///   statement sees every commit that released the lock before it).
/// - **Dedup under concurrency** follows from the same lock (a decision reads
///   the index as the previous commit left it), with the complaints' primary
///   key as a second line of defence.
/// - **Work sharing**: `claimInput` (a drop-folder file is processed by one
///   instance) and `acquireLease` (one feed poller per URL), both rows with an
///   expiry, so the work moves when an instance dies.
/// - **Outages**: a connection that cannot be had within `connectTimeout`, a
///   dropped connection and PostgreSQL's "shutting down" errors are reported as
///   `StoreUnavailableError` (form posts answer 503 with Retry-After, the CLI
///   exits 75), and the pool reconnects by itself when the server is back.
public final class PostgresComplaintStore: ComplaintStore, Sendable {
    public let settings: PostgresSettings
    let client: PostgresClient
    let logger: Logger
    /// Runs the pool's background work (connecting, keep-alives) for the
    /// store's lifetime: `PostgresClient` does nothing until `run()` is called.
    private let runner: Task<Void, Never>
    /// How long an operation waits for a connection before the store reports
    /// itself unavailable (the pool would otherwise wait forever while the
    /// server is down).
    let connectTimeout: Duration
    /// The longest one statement may go unanswered before its connection is
    /// closed and the operation reported unavailable: a server that vanished
    /// without closing the socket (a host down, a partition, a stop at the
    /// wrong moment) must not hold a form post or a commit forever.
    let statementTimeout: Duration
    /// Recent LSH buckets and dedup entries in memory (see `DedupWorkingSet`),
    /// caught up on other instances' commits under the commit lock.
    let workingSet = DedupWorkingSet()
    /// This instance's commit transactions, one at a time.
    let commitTurn = CommitTurn()

    /// Connects, creates the schema when missing and migrates it.
    public init(settings: PostgresSettings, connectTimeout: Duration = .seconds(5), statementTimeout: Duration = .seconds(60),
                logger: Logger = Logger(label: "complaint-gateway.postgres")) async throws {
        self.settings = settings
        self.logger = logger
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username,
            password: settings.password.map { String(decoding: $0.bytes, as: UTF8.self) },
            database: settings.database, tls: Self.tls(settings.tls))
        configuration.options.maximumConnections = settings.maxConnections
        configuration.options.connectTimeout = connectTimeout
        // Every connection works in the configured schema; names in SQL stay unqualified.
        configuration.options.additionalStartupParameters = [("search_path", settings.schema)]
        // The pool retries a refused connection forever and only logs why; one
        // direct connection first puts PostgreSQL's own reason in the error.
        try await Self.firstContact(settings, timeout: connectTimeout, logger: logger)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await migrate()
        } catch {
            runner.cancel()
            let place = "PostgreSQL \(settings.username)@\(settings.host):\(settings.port)/\(settings.database) schema \(settings.schema)"
            switch Self.mapped(error) {
            case let refused as StoreConfigurationError:
                throw StoreConfigurationError(reason: "\(place): \(refused.reason)")
            case let other:
                throw StoreUnavailableError(reason: "cannot open \(place): \(other)")
            }
        }
    }

    deinit {
        runner.cancel()
    }

    /// Closes the pool's connections.
    public func close() {
        runner.cancel()
    }

    private static func tls(_ mode: PostgresSettings.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    static func connectionTLS(_ mode: PostgresSettings.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    // MARK: Connections

    /// Runs `body` on a pooled connection, giving up when none can be had
    /// within `connectTimeout`. Only the wait for a connection is bounded: a
    /// commit waiting for another instance's commit lock is not an outage.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let leased = LeaseFlag()
        let client = self.client, timeout = self.connectTimeout
        do {
            return try await withThrowingTaskGroup(of: LeaseOutcome<T>.self) { group in
                group.addTask {
                    .value(try await client.withConnection { connection in
                        leased.set()
                        return try await body(connection)
                    })
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return leased.isSet ? .leased : .timedOut
                }
                while let outcome = try await group.next() {
                    switch outcome {
                    case .value(let value):
                        group.cancelAll()
                        return value
                    case .leased:
                        continue
                    case .timedOut:
                        // The pool waits for a connection forever while the server is
                        // down (postgres-nio #489); the caller must hear about it.
                        group.cancelAll()
                        throw StoreUnavailableError(reason: "no connection to PostgreSQL at \(settings.host):\(settings.port) within \(timeout)")
                    }
                }
                throw CancellationError()
            }
        } catch {
            throw Self.mapped(error)
        }
    }

    /// One statement's rows, within `statementTimeout`.
    func rows(_ sql: String, _ arguments: [SQLArgument] = []) async throws -> [PostgresRow] {
        let query = try PostgresQuery.sql(sql, arguments)
        let logger = self.logger, timeout = statementTimeout
        return try await withConnection { connection in
            try await withThrowingTaskGroup(of: [PostgresRow]?.self) { group in
                group.addTask { try await connection.query(query, logger: logger).collect() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let rows = try await group.next(), let rows else {
                    // No answer: the connection is closed so the pool replaces it.
                    try? await connection.close()
                    throw StoreUnavailableError(reason: "PostgreSQL did not answer within \(timeout)")
                }
                return rows
            }
        }
    }

    /// One statement, for its effect.
    func execute(_ sql: String, _ arguments: [SQLArgument] = []) async throws {
        _ = try await rows(sql, arguments)
    }

    /// Runs `body` in one transaction on a thread that may block (see
    /// `BlockingTransaction`); commits unless it throws or `rollback` is set.
    func transaction<T: Sendable>(rollback: Bool = false, _ body: @escaping @Sendable (BlockingTransaction) throws -> T) async throws -> T {
        let logger = self.logger, timeout = statementTimeout
        return try await withConnection { connection in
            try await NIOThreadPool.singleton.runIfActive {
                let tx = BlockingTransaction(connection: connection, logger: logger, timeout: timeout)
                try tx.execute("BEGIN")
                do {
                    let value = try body(tx)
                    try tx.execute(rollback ? "ROLLBACK" : "COMMIT")
                    return value
                } catch {
                    // A broken connection cannot roll back; the server does on disconnect.
                    _ = try? tx.execute("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// The advisory lock key commits serialize on, per schema (tenants and test
    /// schemas in one database do not wait for each other).
    static let commitLock = "SELECT pg_advisory_xact_lock(hashtext('complaint-gateway.commit.' || current_schema()))"

    private func migrate() async throws {
        let schema = settings.schema
        try await transaction { tx in
            // Instances starting together: one migrates, the others wait, then find it done.
            try tx.execute("SELECT pg_advisory_xact_lock(hashtext('complaint-gateway.migrate.' || $1))", [schema])
            // CREATE SCHEMA needs CREATE on the database even when the schema
            // exists; a least-privilege role (USAGE, CREATE on its schema) has not.
            if try tx.rows("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).isEmpty {
                try tx.execute("CREATE SCHEMA \"\(schema)\"")
            }
            try tx.execute("SET LOCAL search_path TO \"\(schema)\"")
            try tx.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = Set(try tx.rows("SELECT version FROM schema_migrations").map { try $0.makeRandomAccess().required(0, Int32.self) })
            for migration in PostgresMigrations.all where !applied.contains(Int32(migration.version)) {
                for statement in migration.statements { try tx.execute(statement) }
                try tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [Int32(migration.version), migration.name])
            }
            if let newest = applied.max(), Int(newest) > PostgresMigrations.all.map(\.version).max() ?? 0 {
                throw PostgresStoreError("the schema is at version \(newest), newer than this gateway knows; upgrade the gateway")
            }
        }
    }

    // MARK: Tools

    /// Runs one SQL statement with text parameters (`$1`…) and returns every
    /// row's cells as text (cast in the SQL where needed): for operators'
    /// tools and tests, as `SQLiteComplaintStore.pool` is.
    public func rawQuery(_ sql: String, _ arguments: [String?] = []) async throws -> [[String?]] {
        try await rows(sql, arguments.map { $0 }).map { row in
            let cells = row.makeRandomAccess()
            return try (0..<cells.count).map { try cells.at($0, String.self) }
        }
    }

    // MARK: Errors

    /// "Cannot reach or use the server right now" as `StoreUnavailableError`
    /// (retry later); everything else (bugs, constraint violations) as it is.
    static func mapped(_ error: any Error) -> any Error {
        switch error {
        case is StoreUnavailableError:
            return error
        case is CancellationError:
            return StoreUnavailableError(reason: "PostgreSQL operation cancelled")
        case let psql as PSQLError:
            if psql.code == .server {
                let state = psql.serverInfo?[.sqlState] ?? ""
                if let refused = refusal(psql) { return refused }
                // 08: connection exception; 53: insufficient resources; 57P0x: the
                // server is shutting down or starting; 40001/40P01: retry the transaction.
                if state == "XX001" || state == "XX002" {
                    return StoreCorruptError(reason: "PostgreSQL reports damaged data: \(psql.serverInfo?[.message] ?? state) (\(state)); restore from a backup or reindex")
                }
                if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") || state == "40001" || state == "40P01" {
                    return StoreUnavailableError(reason: "PostgreSQL: \(psql.serverInfo?[.message] ?? state) (\(state))")
                }
                return PostgresStoreError("PostgreSQL: \(psql.serverInfo?[.message] ?? "error") (\(state))")
            }
            return StoreUnavailableError(reason: "PostgreSQL connection: \(psql.code)")
        case is IOError, is ChannelError:
            return StoreUnavailableError(reason: "PostgreSQL connection: \(error)")
        default:
            return error
        }
    }

}

/// Set once a connection has been leased (read by the lease timeout).
final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// How a connection lease ended (see `PostgresComplaintStore.withConnection`).
enum LeaseOutcome<T: Sendable>: Sendable {
    case value(T)
    case leased
    case timedOut
}

extension PostgresComplaintStore: StorePing {
    /// Reads the newest ingestion id: a round trip to a real table, so an
    /// unreachable server or a missing schema shows.
    public func ping() async throws {
        _ = try await latestIngestionID()
    }
}
