import Testing
import GatewayTestSupport
import StoreTestSupport

@Suite("Store engines")
struct StoreEngineAvailabilityTests {
    @Test("CI runs the shared store suite on PostgreSQL too")
    func postgresPresentInCI() {
        if PostgresTestServer.isRequired {
            #expect(PostgresTestServer.isAvailable, "CI must provide PostgreSQL: \(PostgresTestServer.unavailableReason ?? "")")
        }
    }
}
