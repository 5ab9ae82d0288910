import Foundation
import Testing
import GatewayCore
@testable import PostgresStore
import GatewayTestSupport
import StoreTestSupport

/// What an admin sees when PostgreSQL refuses the gateway: PostgreSQL's own
/// message and SQLSTATE, a configuration error (exit 78) when waiting cannot
/// fix it, and a least-privilege role that starts (issue 43).
@Suite("PostgreSQL first contact", .enabled(if: PostgresTestServer.isAvailable, "needs PostgreSQL (scripts/postgres-test-server)"),
       .serialized)
struct PostgresFirstContactTests {
    static func open(_ settings: PostgresSettings) async throws -> PostgresComplaintStore {
        try await PostgresComplaintStore(settings: settings, connectTimeout: .seconds(10))
    }

    @Test("a role that does not exist: a configuration error with PostgreSQL's words and SQLSTATE 28000")
    func noSuchRole() async throws {
        let server = try #require(PostgresTestServer.shared)
        var settings = server.settings(schema: PostgresTestServer.uniqueSchema("role"))
        settings.username = "nosuchuser_\(UUID().uuidString.prefix(6).lowercased())"
        let error = await #expect(throws: StoreConfigurationError.self) { _ = try await Self.open(settings) }
        #expect(error?.reason.contains("28000") == true && error?.reason.contains("does not exist") == true, "\(String(describing: error))")
    }

    @Test("sslmode=require against a server without TLS: a configuration error that says so")
    func tlsRequired() async throws {
        let server = try #require(PostgresTestServer.shared)
        var settings = server.settings(schema: PostgresTestServer.uniqueSchema("tls"))
        settings.tls = .require
        let error = await #expect(throws: StoreConfigurationError.self) { _ = try await Self.open(settings) }
        #expect(error?.reason.contains("does not offer TLS") == true, "\(String(describing: error))")
    }

    @Test("nothing listening: unavailable (retry later), naming the refused connection")
    func nothingListening() async throws {
        let server = try #require(PostgresTestServer.shared)
        var settings = server.settings(schema: "public")
        settings.port = 1
        let error = await #expect(throws: StoreUnavailableError.self) { _ = try await Self.open(settings) }
        #expect(error?.reason.contains("refused") == true, "\(String(describing: error))")
    }

    @Test("a role with only what `postgres grants` prints (USAGE, CREATE on an existing schema) starts and stores; one without is 78-class")
    func leastPrivilege() async throws {
        let server = try #require(PostgresTestServer.shared)
        let admin = try await Self.open(server.settings(schema: PostgresTestServer.uniqueSchema("adm")))
        defer { admin.close() }
        let role = "gw_\(UUID().uuidString.prefix(8).lowercased())", schema = PostgresTestServer.uniqueSchema("lp")
        // The schema exists (made by the owner); the role may not create schemas in the database.
        _ = try await admin.rawQuery("CREATE ROLE \(role) LOGIN")
        _ = try await admin.rawQuery("CREATE SCHEMA \(schema)")
        var settings = server.settings(schema: schema)
        settings.username = role
        // Before the grants: PostgreSQL's refusal, as a configuration error.
        let refused = await #expect(throws: StoreConfigurationError.self) { _ = try await Self.open(settings) }
        #expect((refused?.reason.contains("42501") == true || refused?.reason.contains("3F000") == true) && refused?.reason.contains("postgres grants") == true, "\(String(describing: refused))")
        // As the docs say an admin runs it: psql -f.
        let psql = try #require(["/usr/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) }, "psql not found")
        let script = PostgresGrants.script(for: settings)
        let applied = try await ProcessRunner.run(URL(fileURLWithPath: psql),
                                                  ["-h", server.host, "-p", "\(server.port)", "-U", server.user, "-d", server.database,
                                                   "-v", "ON_ERROR_STOP=1", "-q", "-f", "-"], input: Data(script.utf8))
        #expect(applied.status == 0, "\(script)\n\(applied.stderr)")
        let store = try await Self.open(settings)
        defer { store.close() }
        #expect(try await store.latestIngestionID() == 0)
    }
}
