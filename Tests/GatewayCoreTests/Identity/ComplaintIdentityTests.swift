import Foundation
import Testing
import ComplaintModel
import GatewayCore

@Suite("Complaint ids and fingerprints")
struct ComplaintIdentityTests {
    @Test("ids are deterministic UUIDv8 per channel and source id")
    func ids() {
        let a = ComplaintIdentity.id(channel: "pbx", sourceID: "1763601302.26")
        #expect(a == ComplaintIdentity.id(channel: "pbx", sourceID: "1763601302.26"))
        #expect(a != ComplaintIdentity.id(channel: "callcentre", sourceID: "1763601302.26"))
        #expect(a != ComplaintIdentity.id(channel: "pbx", sourceID: "1763601302.27"))
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        #expect(ComplaintIdentity.id(channel: "ab", sourceID: "c") != ComplaintIdentity.id(channel: "a", sourceID: "bc"))
        #expect(a.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil)
    }

    @Test("ids and digests match independently computed vectors, so they never change between releases")
    func knownVectors() {
        // Python: sha256(b"pbx\x001763601302.26")[:16] with the version 8 and variant bits set.
        #expect(ComplaintIdentity.id(channel: "pbx", sourceID: "1763601302.26") == "f49465f7-afe7-8eed-a885-130842b3f67c")
        // Python: sha256("a\x1fb\x1f投诉".encode()).hexdigest()
        #expect(ComplaintIdentity.recordDigest(["a", "b", "投诉"]) == "dff0f872103f17990ae24d3f9beabfe82dc94fa4d000a4fdca62b294b88a94d8")
    }

    @Test("the fingerprint ignores when and from which file, not what")
    func fingerprint() {
        let base = Complaint(id: "x", channel: ChannelRef(name: "c", type: "t"), sourceID: "s",
                             receivedAt: Date(timeIntervalSince1970: 1), body: "hello",
                             raw: RawRef(sha256: "a", size: 1, mediaType: "text/plain"))
        var later = base
        later.receivedAt = Date(timeIntervalSince1970: 99)
        later.raw = RawRef(sha256: "b", size: 2, mediaType: "text/plain", location: "line 9")
        later.revision = 4
        #expect(ComplaintIdentity.fingerprint(of: base) == ComplaintIdentity.fingerprint(of: later))
        var edited = base
        edited.body = "hello!"
        #expect(ComplaintIdentity.fingerprint(of: base) != ComplaintIdentity.fingerprint(of: edited))
    }

    @Test("record digests separate fields")
    func recordDigest() {
        #expect(ComplaintIdentity.recordDigest(["a", "b"]) != ComplaintIdentity.recordDigest(["ab"]))
        #expect(ComplaintIdentity.recordDigest(["a", "b"]) == ComplaintIdentity.recordDigest(["a", "b"]))
    }
}
