import Foundation
import GatewayCore

/// Customer signals in both PostgreSQL dedup indexes: when each person was
/// last signalled (read once per transaction and person), written through in
/// the transaction that decided it.
extension PostgresIncidentIndex {
    func lastSignal(person: String, kind: CustomerSignal.Kind) throws -> Date? {
        let key = kind.rawValue + " " + person
        if let known = signalTimes[key] { return known }
        let at = try tx.scalar(Double.self, "SELECT at FROM customer_signals WHERE person = $1 AND kind = $2", [person, kind.rawValue])
            .map(Date.init(timeIntervalSince1970:))
        signalTimes.updateValue(at, forKey: key)
        return at
    }

    func signal(_ signal: CustomerSignal, at: Date) throws {
        try tx.execute("""
            INSERT INTO customer_signals (person, kind, at) VALUES ($1, $2, $3)
            ON CONFLICT (person, kind) DO UPDATE SET at = excluded.at
            """, [signal.person, signal.kind.rawValue, at.timeIntervalSince1970])
        signalTimes.updateValue(at, forKey: signal.kind.rawValue + " " + signal.person)
        signalled.append(signal)
    }

    /// The persons signalled since the last call.
    func takeSignals() -> [CustomerSignal] {
        defer { signalled = [] }
        return signalled
    }
}

/// Customer signals' feed events, after the transaction's complaints are written.
enum PostgresSignalRows {
    static func announce(_ signals: [CustomerSignal], tx: BlockingTransaction) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for signal in signals {
            // revision 0: not a complaint revision (`dedup rebuild` reads revision 1 events);
            // no channel, as an incident's: a feed read for one channel lists complaints only.
            try tx.execute("""
                INSERT INTO feed_events (complaint_id, revision, revision_rowid, type, committed_at, channel, dedup_status, automated, payload)
                VALUES ($1, 0, 0, $2, now(), '', '', false, $3)
                """, [signal.complaint, signal.kind.rawValue, String(decoding: try encoder.encode(signal), as: UTF8.self)])
        }
    }
}
