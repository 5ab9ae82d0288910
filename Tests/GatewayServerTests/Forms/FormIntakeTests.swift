import Foundation
import ComplaintModel
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Testing
@testable import WebFormChannel

/// `POST /v1/forms/{channel}` over real HTTP on loopback, into a real SQLite store.
@Suite("Form intake over HTTP")
struct FormIntakeTests {
    let client = TestHTTPClient.shared
    static let valid = "name=%E6%9D%8E%E9%9B%B7&email=LiLei%40Example.cn&phone=13800138000&topic=billing&message=%E8%B4%A6%E5%8D%95%E9%87%8D%E5%A4%8D%E6%89%A3%E8%B4%B9&utm=mail"

    @Test("a urlencoded post is archived, stored and answered 202 with the complaint id")
    func accepted() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let response = try await client.post(base.appending(path: "v1/forms/web"), Self.valid, headers: ["User-Agent": "test-agent"])
            #expect(response.status == 202)
            let id = try #require(response.json["id"] as? String)
            #expect(response.json["status"] as? String == "accepted")
            let stored = try #require(try await f.store.complaint(id: id))
            #expect(stored.customer.name == "李雷")
            #expect(stored.customer.email == "lilei@example.cn")
            #expect(stored.customer.phone == "+8613800138000")
            #expect(stored.body == "账单重复扣费")
            #expect(stored.attributes["utm"] == .string("mail"))
            #expect(stored.raw.mediaType == "application/x-www-form-urlencoded")
            #expect(f.archive.contains(stored.raw.sha256), "the raw body is archived")
            #expect(try Data(contentsOf: f.archive.url(for: stored.raw.sha256)) == Data(Self.valid.utf8))
            #expect(stored.attributes["remote_address"] == nil, "client metadata stays in the manifest")
        }
    }

    @Test("multipart with a file upload, JSON, and a GBK post")
    func contentTypes() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            var multipart = Data("--B\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.cn\r\n--B\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\noutage\r\n--B\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n停电了\r\n--B\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"meter.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
            multipart += Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10])
            multipart += Data("\r\n--B\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"bill.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 bill\r\n--B--\r\n".utf8)
            let m = try await client.send("POST", url, headers: ["Content-Type": "multipart/form-data; boundary=B"], body: multipart)
            #expect(m.status == 202)
            let attachments = try #require(try await f.store.complaint(id: m.json["id"] as? String ?? "")?.attachments)
            #expect(attachments.map(\.filename) == ["meter.jpg", "bill.pdf"])
            #expect(attachments.map(\.size) == [6, 13])
            #expect(attachments.map(\.contentType) == ["image/jpeg", "application/pdf"])
            #expect(attachments[1].sha256 == Hex.sha256(Array("%PDF-1.4 bill".utf8)))

            let j = try await client.post(url, #"{"email":"c@d.cn","topic":"billing","message":"JSON complaint","vip":true}"#, contentType: "application/json")
            #expect(j.status == 202)
            #expect(try await f.store.complaint(id: j.json["id"] as? String ?? "")?.attributes["vip"] == .string("true"))

            let g = try await client.post(url, "email=e%40f.cn&topic=billing&message=%C4%E3%BA%C3", contentType: "application/x-www-form-urlencoded; charset=gbk")
            #expect(g.status == 202)
            #expect(try await f.store.complaint(id: g.json["id"] as? String ?? "")?.body == "你好")
        }
    }

    @Test("validation failures answer 422 with every bad field, and the post is quarantined")
    func validation() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let response = try await client.post(base.appending(path: "v1/forms/web"), "email=nope&phone=1&topic=refund")
            #expect(response.status == 422)
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(response.error["code"] as? String == "validation_failed")
            let fields = try #require(response.error["fields"] as? [[String: String]])
            #expect(fields.map { $0["field"] } == ["email", "message", "phone", "topic"])
            #expect(fields.first { $0["field"] == "message" }?["message"] == "is required")
            let quarantined = try await f.store.quarantined(limit: 10)
            #expect(quarantined.count == 1, "nothing is lost: the rejected post is kept for review")
            #expect(quarantined.first?.reason.hasPrefix("invalid form:") == true)
            #expect(try await f.store.feed(after: 0, limit: 10).isEmpty)
        }
    }

    @Test("limits: 413 for a large body, 415 for another media type, 429 with Retry-After")
    func limits() async throws {
        // 3 an hour: one token back every 20 minutes, so a slow machine cannot refill the
        // bucket between the posts (3/minute did, when four posts took a minute).
        let f = try ServerFixture(config: ServerFixture.formChannel.replacingOccurrences(of: "\"1000/second\"", with: "\"3/hour\""))
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let large = try await client.post(url, "email=a%40b.cn&topic=billing&message=" + String(repeating: "x", count: 5000))
            #expect(large.status == 413)
            #expect(large.error["code"] as? String == "body_too_large")
            let xml = try await client.post(url, "<complaint/>", contentType: "application/xml")
            #expect(xml.status == 415)
            #expect(xml.error["code"] as? String == "unsupported_media_type")
            let third = try await client.post(url, "email=a%40b.cn&topic=billing&message=ok")
            #expect(third.status == 202)
            let limited = try await client.post(url, "email=a%40b.cn&topic=billing&message=again")
            #expect(limited.status == 429)
            #expect(limited.error["code"] as? String == "rate_limited")
            let retry = try #require(limited.header("Retry-After").flatMap(Int.init))
            #expect(retry >= 1 && retry <= 1_201, "at most one token's time: 20 minutes")
        }
    }

    @Test("a filled honeypot looks accepted but stores nothing")
    func honeypot() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let response = try await client.post(base.appending(path: "v1/forms/web"), Self.valid + "&website=http%3A%2F%2Fbuy.example")
            #expect(response.status == 202)
            let id = try #require(response.json["id"] as? String)
            #expect(try await f.store.complaint(id: id) == nil)
            #expect(try await f.store.feed(after: 0, limit: 10).isEmpty)
            #expect(try await f.store.quarantined(limit: 10).first?.reason.hasPrefix("spam:") == true)
        }
    }

    @Test("Idempotency-Key: a retry returns the same id and creates nothing; a different body is refused")
    func idempotency() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let first = try await client.post(url, Self.valid, headers: ["Idempotency-Key": "order-77-retry"])
            let second = try await client.post(url, Self.valid, headers: ["Idempotency-Key": "order-77-retry"])
            #expect(first.status == 202)
            #expect(second.status == 202)
            #expect(first.json["id"] as? String == second.json["id"] as? String)
            #expect(second.json["status"] as? String == "duplicate")
            let other = try await client.post(url, Self.valid + "&extra=1", headers: ["Idempotency-Key": "order-77-retry"])
            #expect(other.status == 422)
            #expect(other.error["code"] as? String == "idempotency_key_reused")
            let bad = try await client.post(url, Self.valid, headers: ["Idempotency-Key": "has space"])
            #expect(bad.status == 400)
            // The same body again without a key is the same submission (a double click).
            let again = try await client.post(url, Self.valid)
            let againToo = try await client.post(url, Self.valid)
            #expect(again.json["id"] as? String == againToo.json["id"] as? String)
            #expect(againToo.json["status"] as? String == "duplicate")
            #expect(try await f.store.feed(after: 0, limit: 10).count == 2, "one event per distinct submission")
        }
    }

    @Test("signed channels: missing or wrong X-Signature is 401, the right one is accepted")
    func signature() async throws {
        let secret = "s3cret-\(UUID().uuidString)"
        setenv("COMPLAINT_GATEWAY_TEST_FORM_SECRET", secret, 1)
        let config = ServerFixture.formChannel.replacingOccurrences(of: "honeypot = \"website\"",
            with: "honeypot = \"website\"\nsignature_secret = { env = \"COMPLAINT_GATEWAY_TEST_FORM_SECRET\" }")
        let f = try ServerFixture(config: config)
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let missing = try await client.post(url, Self.valid)
            #expect(missing.status == 401)
            #expect(missing.error["code"] as? String == "bad_signature")
            let wrong = try await client.post(url, Self.valid, headers: ["X-Signature": RequestSignature.sign(Array("other".utf8), secret: SecretValue(Array(secret.utf8)))])
            #expect(wrong.status == 401)
            let signed = try await client.post(url, Self.valid, headers: ["X-Signature": RequestSignature.sign(Array(Self.valid.utf8), secret: SecretValue(Array(secret.utf8)))])
            #expect(signed.status == 202)
            #expect(try await f.store.feed(after: 0, limit: 10).count == 1)
        }
    }

    @Test("CORS: allowed origins are echoed, others refused, preflight answered; browsers get 303")
    func browsers() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let allowed = try await client.post(url, Self.valid, headers: ["Origin": "https://www.example.com"])
            #expect(allowed.status == 202)
            #expect(allowed.header("Access-Control-Allow-Origin") == "https://www.example.com")
            let refused = try await client.post(url, Self.valid, headers: ["Origin": "https://evil.example"])
            #expect(refused.status == 403)
            #expect(refused.error["code"] as? String == "origin_not_allowed")
            let preflight = try await client.send("OPTIONS", url, headers: ["Origin": "https://www.example.com", "Access-Control-Request-Method": "POST"])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(preflight.header("Access-Control-Allow-Headers")?.contains("Idempotency-Key") == true)
            let browser = try await client.post(url, Self.valid + "&n=2", headers: ["Accept": "text/html,application/xhtml+xml"])
            #expect(browser.status == 303)
            #expect(browser.header("Location") == "https://www.example.com/thanks")
        }
    }

    @Test("health, readiness, metrics, and JSON errors for unknown routes")
    func operations() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            #expect(try await client.send("GET", base.appending(path: "healthz")).status == 200)
            let ready = try await client.send("GET", base.appending(path: "readyz"))
            #expect(ready.status == 200)
            #expect((ready.json["checks"] as? [String: String])?["store"] == "ok")
            _ = try await client.post(base.appending(path: "v1/forms/web"), Self.valid)
            _ = try await client.post(base.appending(path: "v1/forms/web"), "email=x")
            let metrics = try await client.send("GET", base.appending(path: "metrics"))
            #expect(metrics.status == 200)
            for line in [#"complaint_gateway_complaints_stored_total{channel="web"}"#,
                         #"complaint_gateway_records_quarantined_total{channel="web"}"#,
                         #"complaint_gateway_form_posts_total{channel="web",status="202"}"#,
                         #"complaint_gateway_form_posts_total{channel="web",status="422"}"#,
                         "complaint_gateway_ingest_duration_seconds_bucket",
                         "complaint_gateway_form_posts_in_flight"] {
                #expect(metrics.text.contains(line), "\(line)")
            }
            let missing = try await client.send("GET", base.appending(path: "nowhere"))
            #expect(missing.status == 404)
            #expect(missing.error["code"] as? String == "not_found")
            let unknown = try await client.post(base.appending(path: "v1/forms/nosuch"), Self.valid)
            #expect(unknown.status == 404)
            #expect((unknown.error["message"] as? String)?.contains("web") == true)
        }
    }

    @Test("fifty concurrent posts: every one answered 202 and stored once")
    func concurrent() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let client = self.client
            let ids = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for i in 0..<50 {
                    group.addTask {
                        let r = try await client.post(url, "email=u\(i)%40x.cn&topic=outage&message=post+\(i)")
                        return (r.status, r.json["id"] as? String)
                    }
                }
                var ids: [String] = []
                for try await (status, id) in group {
                    #expect(status == 202)
                    if let id { ids.append(id) }
                }
                return ids
            }
            #expect(Set(ids).count == 50)
            let feed = try await f.store.feed(after: 0, limit: 100)
            #expect(feed.count == 50)
            #expect(feed.map(\.sequence) == Array(1...50), "feed sequences have no gaps")
        }
    }

    @Test("python-multipart cases posted to the server: parts or 400, never a crash", .enabled(if: RepositoryPaths.hasCorpus))
    func corpusOverHTTP() async throws {
        let f = try ServerFixture(config: ServerFixture.formChannel.replacingOccurrences(of: "email   = { to = \"customer.email\", required = true }", with: "email   = { to = \"customer.email\" }")
            .replacingOccurrences(of: "topic   = { type = \"choice\", choices = [\"billing\", \"outage\"], required = true }", with: "")
            .replacingOccurrences(of: "message = { to = \"body\" }", with: "message = { to = \"body\", required = false }"))
        let dir = try #require(RepositoryPaths.corpusFile("forms/python-multipart"))
        try await f.withServer { base in
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".http") {
                let yaml = try String(contentsOf: dir.appendingPathComponent(name.replacingOccurrences(of: ".http", with: ".yaml")), encoding: .utf8)
                let boundary = yaml.split(separator: "\n").first { $0.hasPrefix("boundary:") }!.dropFirst(9).trimmingCharacters(in: .whitespaces)
                let body = try Data(contentsOf: dir.appendingPathComponent(name))
                let response = try await client.send("POST", base.appending(path: "v1/forms/web"),
                                                     headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: body)
                let expectsError = yaml.contains("error:") || name == "single_field_blocks.http"
                #expect(response.status == (expectsError ? 400 : 202), "\(name): \(response.text)")
                if expectsError { #expect(response.error["code"] as? String == "malformed_body") }
            }
            #expect(try await client.send("GET", base.appending(path: "healthz")).status == 200, "still serving")
        }
    }

    @Test("replay re-parses posts with their own Content-Type and Idempotency-Key: nothing changes")
    func replay() async throws {
        let f = try ServerFixture()
        var ids: [String] = []
        try await f.withServer { base in
            let url = base.appending(path: "v1/forms/web")
            let keyed = try await client.post(url, Self.valid, headers: ["Idempotency-Key": "k-1"])
            let multipart = try await client.send("POST", url, headers: ["Content-Type": "multipart/form-data; boundary=Q"],
                                                  body: Data("--Q\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nq@q.cn\r\n--Q\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\noutage\r\n--Q\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nmultipart\r\n--Q--\r\n".utf8))
            ids = [keyed, multipart].compactMap { $0.json["id"] as? String }
        }
        #expect(ids.count == 2)
        let pipeline = IngestPipeline(archive: f.archive, store: f.store, dedup: ExactDedupStage())
        let summary = try await Replayer(pipeline: pipeline).run(ReplayFilter(channel: "web"), channels: f.channels)
        #expect(summary.inputs == 2)
        #expect(summary.counts.unchanged == 2, "same ids, same content: \(summary.counts)")
        #expect(summary.counts.new == 0)
        #expect(summary.counts.quarantined == 0, "the multipart boundary came back from the manifest")
        #expect(try await f.store.feed(after: 0, limit: 10).count == 2)
    }
}
