import Foundation
import GRDB
import GatewayCore

/// Customer signals in the dedup index: when each person was last signalled,
/// written in the same transaction as the complaint that crossed the line.
extension SQLiteDedupIndex {
    func lastSignal(person: String, kind: CustomerSignal.Kind) throws -> Date? {
        try Double.fetchOne(try db.cachedStatement(sql: "SELECT at FROM customer_signals WHERE person = ? AND kind = ?"),
                            arguments: [person, kind.rawValue]).map(Date.init(timeIntervalSince1970:))
    }

    func signal(_ signal: CustomerSignal, at: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO customer_signals (person, kind, at) VALUES (?1, ?2, ?3)
            ON CONFLICT (person, kind) DO UPDATE SET at = excluded.at
            """).execute(arguments: [signal.person, signal.kind.rawValue, at.timeIntervalSince1970])
        signalled.append(signal)
    }

    /// The persons signalled since the last call.
    func takeSignals() -> [CustomerSignal] {
        defer { signalled = [] }
        return signalled
    }
}
