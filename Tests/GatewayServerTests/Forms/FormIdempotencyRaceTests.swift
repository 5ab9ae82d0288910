import Foundation
import ComplaintModel
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Testing

/// A sender-chosen id (Idempotency-Key, submission id) names one submission:
/// concurrent posts reusing it with different bodies must not both win, and a
/// later post must never revise someone else's complaint. Decided inside the
/// store's write transaction, so these run the posts at once over real HTTP.
@Suite("Form idempotency under concurrency")
struct FormIdempotencyRaceTests {
    let client = TestHTTPClient.shared

    static func body(_ n: Int, extra: String = "") -> String {
        "email=racer\(n)%40example.cn&topic=billing&message=complaint+number+\(n)" + extra
    }

    /// Posts all bodies at once and returns the statuses and bodies' answers.
    func postAll(_ url: URL, _ bodies: [String], headers: [String: String]) async throws -> [HTTPResult] {
        try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for body in bodies { group.addTask { try await client.post(url, body, headers: headers) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("ten concurrent posts with one Idempotency-Key and different bodies: exactly one 202, nine 422, one complaint")
    func concurrentKey() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let answers = try await postAll(url, (0..<10).map { Self.body($0) }, headers: ["Idempotency-Key": "race-key-1"])
            #expect(answers.filter { $0.status == 202 }.count == 1)
            #expect(answers.filter { $0.status == 422 }.count == 9)
            #expect(answers.filter { $0.status == 422 }.allSatisfy { $0.error["code"] as? String == "idempotency_key_reused" })
            let feed = try await f.store.feed(after: 0, limit: 100)
            #expect(feed.count == 1, "no revision: the key names one submission")
            #expect(feed.first?.complaint?.revision == 1)
            let quarantined = try await f.store.quarantined(limit: 100)
            #expect(quarantined.count == 9, "nothing lost: each refused body is kept for review")
            #expect(quarantined.allSatisfy { $0.reason.contains("new submission needs a new id") })
            // The winner's body is what is stored.
            let winner = try #require(answers.first { $0.status == 202 }?.json["id"] as? String)
            let stored = try #require(try await f.store.complaint(id: winner))
            #expect(stored.body.hasPrefix("complaint number "))
        }
    }

    @Test("ten concurrent retries of the same body with one key: all 202 with one id, one complaint")
    func concurrentRetries() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let answers = try await postAll(url, Array(repeating: Self.body(7), count: 10), headers: ["Idempotency-Key": "retry-key"])
            #expect(answers.allSatisfy { $0.status == 202 })
            #expect(Set(answers.compactMap { $0.json["id"] as? String }).count == 1)
            #expect(answers.filter { $0.json["status"] as? String == "accepted" }.count == 1)
            #expect(try await f.store.feed(after: 0, limit: 100).count == 1)
            #expect(try await f.store.quarantined(limit: 100).isEmpty)
        }
    }

    @Test("a reused submission_id from another sender is a 422 and the victim's complaint stays as it was")
    func submissionIDReuse() async throws {
        let config = ServerFixture.formChannel.replacingOccurrences(of: "honeypot = \"website\"",
                                                                    with: "honeypot = \"website\"\nsubmission_id_field = \"submission_id\"")
        let f = try ServerFixture(config: config)
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let victim = try await client.post(url, Self.body(1, extra: "&submission_id=sub-42"))
            #expect(victim.status == 202)
            let id = try #require(victim.json["id"] as? String)
            let retry = try await client.post(url, Self.body(1, extra: "&submission_id=sub-42"))
            #expect(retry.status == 202)
            #expect(retry.json["status"] as? String == "duplicate")

            let attacks = try await postAll(url, (2..<7).map { Self.body($0, extra: "&submission_id=sub-42") }, headers: [:])
            #expect(attacks.allSatisfy { $0.status == 422 })
            #expect(attacks.allSatisfy { $0.error["code"] as? String == "submission_id_reused" })
            let stored = try #require(try await f.store.complaint(id: id))
            #expect(stored.revision == 1)
            #expect(stored.customer.email == "racer1@example.cn")
            #expect(stored.body == "complaint number 1")
            #expect(try await f.store.feed(after: 0, limit: 100).count == 1)
            #expect(try await f.store.quarantined(limit: 100).count == 5)
        }
    }
}
