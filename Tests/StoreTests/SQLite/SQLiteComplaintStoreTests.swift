import Foundation
import Testing
import GRDB
import SQLiteStore
import GatewayTestSupport

/// What only the SQLite engine has: its file.
@Suite("SQLite store")
struct SQLiteComplaintStoreTests {
    @Test("the file is in WAL mode, so readers never wait for the writer")
    func walMode() async throws {
        let dir = try TemporaryDirectory("store")
        let store = try SQLiteComplaintStore(path: dir.path("c.sqlite"))
        let mode = try await store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test("an unusable database path reports the store unavailable")
    func unavailable() throws {
        let dir = try TemporaryDirectory("store")
        try dir.write("not-a-dir", "x")
        #expect(throws: (any Error).self) { try SQLiteComplaintStore(path: dir.path("not-a-dir/c.sqlite")) }
        let corrupt = try dir.write("corrupt.sqlite", String(repeating: "garbage ", count: 1000))
        #expect(throws: (any Error).self) { try SQLiteComplaintStore(path: corrupt) }
    }
}
