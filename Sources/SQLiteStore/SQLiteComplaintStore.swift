import Foundation
import GRDB
import ComplaintModel
import GatewayCore

/// The embedded default store: one SQLite file in WAL mode through GRDB.
///
/// WAL lets any number of readers (feed pages, the API) run while one writer
/// ingests; writers from other processes wait for the lock (busy timeout)
/// rather than fail. Feed sequences come from an AUTOINCREMENT key assigned
/// inside the single writer's transaction, so they are committed in order and a
/// consumer paging by sequence never skips an event.
public final class SQLiteComplaintStore: ComplaintStore, Sendable {
    /// The GRDB pool; exposed for tools and tests that inspect the file.
    public let pool: DatabasePool
    public let path: URL
    /// Turns at the write lock with other processes on the same file.
    let turn: WriterTurn
    /// Recent LSH buckets in memory, mirrored from `dedup_bands` (see `DedupWorkingSet`).
    let workingSet = DedupWorkingSet()

    /// Opens (creating when needed) the database at `path` and migrates it.
    ///
    /// - Parameter busyTimeout: how long a writer waits for another process's
    ///   write lock before the store reports itself unavailable.
    public init(path: URL, busyTimeout: TimeInterval = 30) throws {
        self.path = path
        turn = WriterTurn(store: path, timeout: busyTimeout)
        do {
            try FilePermissions.ownerOnly.createDirectories(at: path.deletingLastPathComponent())
            // Created owner-only before SQLite opens it: the store holds personal
            // data, and SQLite gives its -wal and -shm files the database's mode.
            let fd = open(path.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd) }
            var config = Configuration()
            // Waits its turn fairly (see WriterTurn). Readers meet a lock only
            // during recovery; a reader's mark is cleared by this process's next
            // write, and costs another process at most a few milliseconds a commit.
            config.busyMode = turn.busyMode
            config.label = "complaint-store"
            config.prepareDatabase { db in
                // A 32 MiB page workingSet per connection keeps the id index of a few
                // million complaints in memory during bulk ingestion; the default
                // 2 MiB made inserts read and write pages millions of times.
                try db.execute(sql: "PRAGMA cache_size = -32768")
            }
            pool = try DatabasePool(path: path.path, configuration: config)
            try turn.exclusively { try SQLiteMigrations.migrator.migrate(pool) }
            // A store migrated by a newer gateway (a rollback without restoring the
            // backup): refused rather than misread, as the PostgreSQL store does.
            if try pool.read({ try SQLiteMigrations.migrator.hasBeenSuperseded($0) }) {
                throw StoreUnavailableError(reason: "\(path.path) was migrated by a newer gateway than this one; upgrade the gateway or restore the backup taken before the upgrade")
            }
        } catch {
            // Whatever keeps the database from opening (missing folder, no space,
            // a lock) is an outage for the caller: inputs stay archived and can be
            // processed once it is fixed. A damaged file is not, and says so.
            let mapped = Self.mapped(error, path: path)
            if mapped is StoreUnavailableError || mapped is StoreCorruptError { throw mapped }
            throw StoreUnavailableError(reason: "cannot open \(path.path): \(Self.plain(error))")
        }
    }

    /// A write transaction, after stepping aside for another process waiting
    /// for the lock (see `WriterTurn`).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if turn.anotherProcessWaiting { try? await Task.sleep(for: WriterTurn.stepAside) }
        let turn = self.turn
        return try await pool.write { db in
            turn.acquired()
            return try body(db)
        }
    }

    func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if turn.anotherProcessWaiting { try? await Task.sleep(for: WriterTurn.stepAside) }
        let turn = self.turn
        return try await pool.writeWithoutTransaction { db in
            turn.acquired()
            return try body(db)
        }
    }

    /// Runs a store operation, turning "the database cannot be used right now"
    /// errors into `StoreUnavailableError` (retry later) and leaving the rest
    /// (bugs, constraint violations) as they are.
    func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// What a SQLite failure means for the operator, in words: the file, the
    /// cause and the fix, never the SQL statement that hit it.
    static func mapped(_ error: any Error, path: URL) -> any Error {
        guard let db = error as? DatabaseError else { return error }
        let file = path.path
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PROTOCOL:
            return StoreUnavailableError(reason: "the database \(file) is locked by another process")
        case .SQLITE_FULL:
            return StoreUnavailableError(reason: "the disk holding \(file) is full; free space and retry")
        case .SQLITE_READONLY:
            return StoreUnavailableError(reason: "the database \(file) is read-only; check the permissions of the file and its folder")
        case .SQLITE_IOERR:
            return StoreUnavailableError(reason: "reading or writing \(file) failed (\(db.message ?? "I/O error")); check the disk")
        case .SQLITE_CANTOPEN:
            return StoreUnavailableError(reason: "cannot open \(file); check that its folder exists and is writable")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StoreCorruptError(reason: "the database \(file) is damaged (\(db.message ?? "corrupt")); stop the gateway and restore it "
                + "from a backup (`sqlite3 \(file) .recover` may save what is left); every raw input stays in the archive")
        default:
            return SQLiteStoreError(description: "the database \(file) failed: \(plain(error))")
        }
    }

    /// An error's text without the SQL GRDB appends to it.
    static func plain(_ error: any Error) -> String {
        guard let db = error as? DatabaseError else { return "\(error)" }
        return db.message ?? "SQLite error \(db.resultCode)"
    }

}

/// A SQLite failure that is neither an outage nor damage (a bug, a broken
/// constraint), described without its SQL.
public struct SQLiteStoreError: Error, CustomStringConvertible {
    public var description: String
}
