import Foundation
import GatewayCore
import GatewayTestSupport
import GRDB
import SQLiteStore
import Testing

/// Opening a store migrates it once, whoever opens it first, and refuses a
/// store a newer gateway has migrated.
@Suite("SQLite store migrations")
struct SQLiteMigrationTests {
    @Test("eight processes' worth of concurrent first opens of a new store all succeed")
    func concurrentFirstOpens() async throws {
        let dir = try TemporaryDirectory("migrate-race")
        let path = dir.url.appendingPathComponent("var/complaints.sqlite")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try SQLiteComplaintStore(path: path) }
            }
            try await group.waitForAll()
        }
        #expect(try await SQLiteComplaintStore(path: path).complaintCount() == 0)
    }

    @Test("a store with a migration this gateway does not know is refused with what to do")
    func supersededStore() throws {
        let dir = try TemporaryDirectory("migrate-newer")
        let path = dir.url.appendingPathComponent("complaints.sqlite")
        _ = try SQLiteComplaintStore(path: path)
        let queue = try DatabaseQueue(path: path.path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-from-the-future')") }
        try queue.close()
        #expect {
            _ = try SQLiteComplaintStore(path: path)
        } throws: { error in
            "\(error)".contains("migrated by a newer gateway")
        }
    }
}
