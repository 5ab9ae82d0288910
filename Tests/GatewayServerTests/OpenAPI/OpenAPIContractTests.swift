import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// The OpenAPI document is current, valid, served, and what the server answers.
@Suite("OpenAPI contract", .enabled(if: JSONSchemaValidator.availability == .available, "needs python3 with jsonschema"))
struct OpenAPIContractTests {
    let client = TestHTTPClient.shared

    @Test("docs/openapi.json and the served copy are generated from the current sources")
    func current() throws {
        let python = try #require(JSONSchemaValidator.python3)
        let check = try ProcessRunner.run(python, [RepositoryPaths.root.appendingPathComponent("scripts/gen-openapi.py").path, "--check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let spec = try ProcessRunner.run(python, ["-c", "import json, openapi_spec_validator as v; v.validate(json.load(open('\(OpenAPIValidator.document.path)')))"])
        if !spec.stderr.contains("No module named") {
            #expect(spec.status == 0, "OpenAPI 3.1 document invalid: \(spec.stderr.suffix(500))")
        }
    }

    @Test("responses of every endpoint match the document")
    func responsesMatch() async throws {
        let config = ServerFixture.formChannel.replacingOccurrences(of: "\"1000/second\"", with: "\"12/minute\"") + TestTokens.config
        let f = try ServerFixture(config: config)
        var observed: [OpenAPIValidator.Observed] = []
        try await f.withServer(dedup: ComplaintDedupStage()) { base in
            func record(_ path: String, _ method: String, _ result: HTTPResult) {
                observed.append(.init(path: path, method: method, status: result.status, body: result.body))
            }
            let form = base.appending(path: "v1/forms/web")
            let valid = "name=Li&email=li%40example.cn&phone=13800138000&topic=billing&message=contract"
            let accepted = try await client.post(form, valid)
            record("/v1/forms/{channel}", "post", accepted)
            record("/v1/forms/{channel}", "post", try await client.post(form, valid))  // duplicate
            record("/v1/forms/{channel}", "post", try await client.post(form, "email=x"))
            record("/v1/forms/{channel}", "post", try await client.post(form, "--b\r\n", contentType: "multipart/form-data; boundary=zz"))
            record("/v1/forms/{channel}", "post", try await client.post(form, String(repeating: "x", count: 5000)))
            record("/v1/forms/{channel}", "post", try await client.post(form, "<x/>", contentType: "text/xml"))
            record("/v1/forms/{channel}", "post", try await client.post(form, valid, headers: ["Origin": "https://evil.example"]))
            record("/v1/forms/{channel}", "post", try await client.post(base.appending(path: "v1/forms/nope"), valid))
            var limited: HTTPResult? = nil
            for i in 0..<15 where limited == nil {
                let r = try await client.post(form, valid + "&n=\(i)")
                if r.status == 429 { limited = r }
            }
            record("/v1/forms/{channel}", "post", try #require(limited))

            let pii = TestTokens.bearer(TestTokens.analyst)
            record("/v1/complaints", "get", try await client.send("GET", base.appending(path: "v1/complaints"), headers: pii))
            record("/v1/complaints", "get", try await client.send("GET", base.appending(path: "v1/complaints"), headers: TestTokens.bearer(TestTokens.reader)))
            record("/v1/complaints", "get", try await client.send("GET", URL(string: base.absoluteString + "/v1/complaints?limit=0")!, headers: pii))
            record("/v1/complaints", "get", try await client.send("GET", base.appending(path: "v1/complaints")))
            record("/v1/complaints", "get", try await client.send("GET", base.appending(path: "v1/complaints"), headers: TestTokens.bearer(TestTokens.poster)))
            let id = try #require(accepted.json["id"] as? String)
            record("/v1/complaints/{id}", "get", try await client.send("GET", base.appending(path: "v1/complaints/\(id)"), headers: pii))
            record("/v1/complaints/{id}", "get", try await client.send("GET", base.appending(path: "v1/complaints/unknown"), headers: pii))
            let detail = try await client.send("GET", base.appending(path: "v1/complaints/\(id)"), headers: pii)
            let person = try #require(((detail.json["complaint"] as? [String: Any])?["customer"] as? [String: Any])?["person"] as? String)
            let profile = try await client.send("GET", base.appending(path: "v1/customers/\(person)"), headers: pii)
            #expect(profile.status == 200)
            record("/v1/customers/{key}", "get", profile)
            let masked = try await client.send("GET", base.appending(path: "v1/customers/\(person)"), headers: TestTokens.bearer(TestTokens.reader))
            #expect(!String(decoding: masked.body, as: UTF8.self).contains("13800138000"), "identities are masked without pii")
            #expect(String(decoding: profile.body, as: UTF8.self).contains("phone:+8613800138000"))
            record("/v1/customers/{key}", "get", masked)
            record("/v1/customers/{key}", "get", try await client.send("GET", base.appending(path: "v1/customers/+8613800138000"), headers: pii))
            record("/v1/customers/{key}", "get", try await client.send("GET", base.appending(path: "v1/customers/nobody%40example.cn"), headers: pii))
            record("/healthz", "get", try await client.send("GET", base.appending(path: "healthz")))
            record("/readyz", "get", try await client.send("GET", base.appending(path: "readyz")))
            let served = try await client.send("GET", base.appending(path: "openapi.json"))
            record("/openapi.json", "get", served)
            #expect(served.body == (try Data(contentsOf: OpenAPIValidator.document)))
            let schema = try await client.send("GET", base.appending(path: "schemas/complaint-v1.json"))
            #expect(schema.status == 200)
            #expect(schema.body == (try Data(contentsOf: RepositoryPaths.root.appendingPathComponent("schema/complaint-v1.schema.json"))))
        }
        #expect(Set(observed.map(\.status)) == [200, 202, 400, 401, 403, 404, 413, 415, 422, 429])
        let problems = try OpenAPIValidator.violations(observed)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
