import Foundation
import ComplaintModel
import GatewayCore

/// Small complaints and ingestions for tests that talk to a store directly.
public enum StoreSamples {
    public static func complaint(_ source: String, body: String = "broadband down", channel: String = "c") -> NormalizedComplaint {
        let c = Complaint(id: ComplaintIdentity.id(channel: channel, sourceID: source),
                          channel: ChannelRef(name: channel, type: "lines"), sourceID: source,
                          receivedAt: Date(), body: body,
                          raw: RawRef(sha256: String(repeating: "a", count: 64), size: 1, mediaType: "text/plain"))
        return NormalizedComplaint(complaint: c, fingerprint: ComplaintIdentity.fingerprint(of: c))
    }

    public static func begin(_ store: some ComplaintStore, sha: String = String(repeating: "a", count: 64)) async throws -> Int64 {
        try await store.beginIngestion(IngestionStart(
            channel: ChannelRef(name: "c", type: "lines"),
            object: ArchivedObject(sha256: sha, size: 1, url: URL(fileURLWithPath: "/dev/null"), isNew: true),
            mediaType: "text/plain", sourceName: "test", receivedAt: Date()))
    }
}
