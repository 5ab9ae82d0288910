import Foundation
import GRDB
import GatewayCore

/// Customer signals' feed events, written in the transaction that decided them.
extension SQLiteCommitWriter {
    /// Writes one `customer.*` feed event per signal, after its complaint.
    func announce(_ signals: [CustomerSignal]) throws {
        guard !signals.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for signal in signals {
            // revision 0: not a complaint revision (`dedup rebuild` reads revision 1 events).
            try db.cachedStatement(sql: """
                INSERT INTO feed_events (complaint_id, revision, revision_rowid, type, committed_at, payload) VALUES (?, 0, 0, ?, ?, ?)
                """).execute(arguments: [signal.complaint, signal.kind.rawValue, now,
                                         String(decoding: try encoder.encode(signal), as: UTF8.self)])
        }
    }
}
