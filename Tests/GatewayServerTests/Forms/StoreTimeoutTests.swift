import Foundation
import Dispatch
import GRDB
import GatewayCore
import GatewayTestSupport
import Testing

/// A post whose commit the store does not answer in time gets a 503 within
/// `[server] store_timeout_seconds`, not a connection left hanging; nothing was
/// acknowledged, and the retry with the same key finds the same complaint.
@Suite("Form posts and a store that does not answer")
struct StoreTimeoutTests {
    let client = TestHTTPClient.shared

    @Test("the writer is held: 503 store_unavailable with Retry-After; after it is released, the retry is the same submission")
    func heldWriter() async throws {
        let f = try ServerFixture()
        try await f.withServer(configure: { $0.storeTimeout = 1 }) { base in
            let url = base.appending(path: "v1/forms/web")
            let gate = DispatchSemaphore(value: 0)
            let holder = Task {
                // Another writer holds the store's write lock until the gate opens.
                try await f.store.pool.write { db in
                    try db.execute(sql: "SELECT 1")
                    gate.wait()
                }
            }
            defer { gate.signal() }
            let refused = try await client.post(url, FormIntakeTests.valid, headers: ["Idempotency-Key": "held-1"])
            #expect(refused.status == 503)
            #expect(refused.error["code"] as? String == "store_unavailable")
            #expect(refused.header("Retry-After") != nil)
            // The cause stays in the log (it may name paths and hosts); the client gets its reference.
            let message = refused.error["message"] as? String ?? ""
            #expect(message.contains("reference ") && !message.contains(f.dir.url.path) && !message.lowercased().contains("timed out"), "\(message)")
            gate.signal()
            try await holder.value
            // The client retries as told: the same key is the same submission, stored once.
            var retry = try await client.post(url, FormIntakeTests.valid, headers: ["Idempotency-Key": "held-1"])
            for _ in 0..<50 where retry.status == 503 {
                retry = try await client.post(url, FormIntakeTests.valid, headers: ["Idempotency-Key": "held-1"])
            }
            #expect(retry.status == 202)
            #expect(try await f.store.feed(after: 0, limit: 10).count == 1)
        }
    }
}
