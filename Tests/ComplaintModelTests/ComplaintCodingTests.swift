import Foundation
import Testing
import ComplaintModel

@Suite("Complaint JSON")
struct ComplaintCodingTests {
    static func sample() -> Complaint {
        Complaint(
            id: "bf43e6db-d4f6-8e34-8c6f-a01f93871e3d",
            channel: ChannelRef(name: "pbx", type: "call_log"),
            sourceID: "1763601302.26",
            receivedAt: Date(timeIntervalSince1970: 1_763_800_000.5),
            occurredAt: Date(timeIntervalSince1970: 1_763_601_302),
            customer: Customer(name: "张伟", phone: "+8613812345678"),
            body: "账单多扣了两次月费",
            language: "zh",
            attributes: ["duration_seconds": 405, "queue": "complaints", "vip": .bool(true)],
            raw: RawRef(sha256: String(repeating: "a", count: 64), size: 10, mediaType: "text/csv", location: "line 1"))
    }

    @Test("absent values are explicit nulls and keys are snake_case")
    func explicitNulls() throws {
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.sample())) as! [String: Any]
        #expect(json["schema"] as? String == "complaint/v1")
        #expect(json["subject"] is NSNull)
        #expect(json["thread"] is NSNull)
        #expect(json["automated"] is NSNull)
        #expect(json["source_id"] as? String == "1763601302.26")
        #expect(json["received_at"] as? String == "2025-11-22T08:26:40.500Z")
        #expect(json["occurred_at"] as? String == "2025-11-20T01:15:02Z")
        let customer = try #require(json["customer"] as? [String: Any])
        #expect(customer["email"] is NSNull)
        #expect(customer.keys.sorted() == ["account_id", "email", "handle", "name", "person", "person_evidence", "phone"])
        let attributes = try #require(json["attributes"] as? [String: Any])
        #expect(attributes["duration_seconds"] as? Int == 405)
        #expect(attributes["vip"] as? Bool == true)
    }

    @Test("decoding gives back the same complaint")
    func roundTrip() throws {
        let c = Self.sample()
        let back = try JSONDecoder().decode(Complaint.self, from: JSONEncoder().encode(c))
        #expect(back == c)
    }

    @Test("an unknown schema version is refused")
    func rejectsOtherSchema() throws {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.sample())) as! [String: Any]
        json["schema"] = "complaint/v2"
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Complaint.self, from: data) }
    }
}
