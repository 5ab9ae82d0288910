import Foundation
import Testing
import GatewayCore
@testable import PostgresStore
import GatewayTestSupport
import StoreTestSupport

/// A statement PostgreSQL does not answer in time ends as "unavailable"
/// (a form post gets 503, `ingest` exits 75) instead of holding its caller
/// forever, and the pool goes on with a fresh connection.
@Suite("PostgreSQL statement deadline", .enabled(if: PostgresTestServer.isAvailable, "needs PostgreSQL (scripts/postgres-test-server)"))
struct PostgresStatementTimeoutTests {
    @Test("a statement over the deadline, alone or inside a transaction, is reported unavailable; the store keeps working")
    func deadline() async throws {
        let dir = try TemporaryDirectory("pg-deadline")
        let server = try #require(PostgresTestServer.shared)
        let store = try await PostgresComplaintStore(settings: server.settings(schema: StoreEngine.schema(for: dir, name: "d")),
                                                     connectTimeout: .seconds(60), statementTimeout: .seconds(1))
        defer { store.close() }
        await #expect(throws: StoreUnavailableError.self) {
            _ = try await store.rows("SELECT pg_sleep(20)")
        }
        await #expect(throws: StoreUnavailableError.self) {
            try await store.transaction { tx in _ = try tx.execute("SELECT pg_sleep(20)") }
        }
        #expect(try await store.rows("SELECT 1").count == 1, "a fresh connection answers")
        #expect(try await store.latestIngestionID() == 0)
    }
}
