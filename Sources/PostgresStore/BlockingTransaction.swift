import Foundation
import Logging
import GatewayCore
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// A value bound to a statement parameter; nil binds NULL.
typealias SQLArgument = (any PostgresThrowingDynamicTypeEncodable)?

extension PostgresQuery {
    /// A statement with `$1`, `$2`… parameters bound in order.
    static func sql(_ text: String, _ arguments: [SQLArgument]) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            if let argument { try binds.append(argument) } else { binds.appendNull() }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }
}

/// One connection used synchronously for the length of a transaction, from a
/// thread that may block (`NIOThreadPool`'s), never from an event loop or the
/// Swift concurrency pool.
///
/// Why blocking: the dedup stage takes its decisions synchronously over a
/// `DedupIndex`, inside the store's write transaction (SQLite answers those
/// lookups in microseconds inside GRDB's synchronous write closure). Rather
/// than make every decision async for one engine, the PostgreSQL store runs a
/// commit on a pool thread and waits for each statement's answer; the event
/// loop that owns the connection is never the one waiting.
struct BlockingTransaction {
    let connection: PostgresConnection
    let logger: Logger
    /// The longest one statement may take (see `PostgresComplaintStore.statementTimeout`).
    let timeout: Duration

    /// Runs a statement and returns its rows.
    @discardableResult
    func rows(_ sql: String, _ arguments: [SQLArgument] = []) throws -> [PostgresRow] {
        try answer(.sql(sql, arguments)).rows
    }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLArgument] = []) throws -> Int {
        try answer(.sql(sql, arguments)).metadata.rows ?? 0
    }

    /// Waits for the statement's answer, at most `timeout`: then the
    /// connection is closed (the pool replaces it; the server rolls back) and
    /// the store reports itself unavailable, so no caller waits forever.
    private func answer(_ query: PostgresQuery) throws -> PostgresQueryResult {
        let future = connection.query(query, logger: logger)
        let loop = future.eventLoop
        let promise = loop.makePromise(of: PostgresQueryResult.self)
        // Both completions run on `loop`; the first one wins.
        let settled = NIOLockedValueBox(false)
        func settle(_ result: Result<PostgresQueryResult, any Error>) {
            guard settled.withLockedValue({ done in defer { done = true }; return !done }) else { return }
            promise.completeWith(result)
        }
        let connection = self.connection, timeout = self.timeout
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let deadline = loop.scheduleTask(in: .milliseconds(milliseconds)) {
            settle(.failure(StoreUnavailableError(reason: "PostgreSQL did not answer within \(timeout)")))
            let closing: EventLoopFuture<Void> = connection.close()
            _ = closing
        }
        future.whenComplete { result in
            deadline.cancel()
            settle(result)
        }
        return try promise.futureResult.wait()
    }

    /// The first column of the first row, decoded.
    func scalar<T: PostgresDecodable>(_ type: T.Type, _ sql: String, _ arguments: [SQLArgument] = []) throws -> T? where T._DecodableType == T {
        guard let row = try rows(sql, arguments).first else { return nil }
        return try row.makeRandomAccess().at(0, T.self)
    }
}

extension PostgresRandomAccessRow {
    /// The cell at `index`, decoded (NULL as nil).
    func at<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T? where T._DecodableType == T {
        try self[index].decode(T?.self)
    }

    /// The cell at `index`, which must not be NULL.
    func required<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T where T._DecodableType == T {
        guard let value = try at(index, T.self) else {
            throw PostgresStoreError("column \(index) is NULL, expected \(T.self)")
        }
        return value
    }
}

/// A store invariant the database did not keep (a bug, not an outage).
struct PostgresStoreError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
