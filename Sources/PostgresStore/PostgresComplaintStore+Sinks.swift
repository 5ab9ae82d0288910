import Foundation
import ComplaintModel
import GatewayCore
import PostgresNIO

/// Delivery sinks' cursors and dead letters.
extension PostgresComplaintStore: SinkLedger {
    public func sinkCursor(_ sink: String) async throws -> Int64 {
        try await rows("SELECT cursor FROM sink_cursors WHERE sink = $1", [sink]).first?.makeRandomAccess().required(0, Int64.self) ?? 0
    }

    public func advanceSink(_ sink: String, to cursor: Int64) async throws {
        try await execute("""
            INSERT INTO sink_cursors (sink, cursor) VALUES ($1, $2)
            ON CONFLICT (sink) DO UPDATE SET cursor = GREATEST(sink_cursors.cursor, excluded.cursor)
            """, [sink, cursor])
    }

    public func addDeadLetter(_ letter: DeadLetter) async throws {
        try await execute("INSERT INTO dead_letters (sink, seq, attempts, error, created_at) VALUES ($1, $2, $3, $4, $5)",
                          [letter.sink, letter.sequence, Int32(letter.attempts), letter.error, letter.createdAt])
    }

    public func deadLetters(sink: String?, limit: Int) async throws -> [DeadLetter] {
        try await rows("""
            SELECT id, sink, seq, attempts, error, created_at FROM dead_letters
            WHERE $1::text IS NULL OR sink = $1 ORDER BY id LIMIT $2
            """, [sink, Int64(limit)]).map { row in
            let c = row.makeRandomAccess()
            return DeadLetter(id: try c.required(0), sink: try c.required(1), sequence: try c.required(2),
                              attempts: Int(try c.required(3, Int32.self)), error: try c.required(4), createdAt: try c.required(5))
        }
    }

    public func removeDeadLetter(id: Int64) async throws {
        try await execute("DELETE FROM dead_letters WHERE id = $1", [id])
    }

}
