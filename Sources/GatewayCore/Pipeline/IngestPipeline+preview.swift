import Foundation
import ComplaintModel

extension IngestPipeline {
    /// Parses and normalizes an archived input and asks the store what the
    /// dedup stage would decide, writing nothing. Returns the counts a real run
    /// would report and up to `diffLimit` field-level diffs of changed complaints.
    public func preview(_ object: ArchivedObject, sourceName: String, channel: ConfiguredChannel, receivedAt: Date,
                        mediaType: String? = nil, metadata: [String: String] = [:],
                        diffLimit: Int) async throws -> (IngestCounts, [ComplaintDiff]) {
        let input = RawInput(url: object.url, sha256: object.sha256, size: object.size,
                             mediaType: mediaType ?? channel.plugin.mediaType, originalName: sourceName, metadata: metadata)
        var counts = IngestCounts()
        var diffs: [ComplaintDiff] = []
        var batch: [NormalizedComplaint] = []
        func classify() async throws {
            guard !batch.isEmpty else { return }
            for (decision, stored) in try await store.preview(batch, dedup: dedup) {
                switch decision {
                case .insert: counts.new += 1
                case .unchanged: counts.unchanged += 1
                case .conflict: counts.quarantined += 1
                case .revise(let changed):
                    counts.updated += 1
                    if diffs.count < diffLimit, let stored {
                        diffs.append(ComplaintDiff.between(stored, changed, policy: PersonalDataPolicy(channels: [channel])))
                    }
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
        do {
            let reader = try NormalizingReader(channel: channel, input: input, receivedAt: receivedAt, normalizer: normalizer)
            while let event = try reader.next() {
                counts.read += 1
                switch event {
                case .complaint(let complaint):
                    batch.append(complaint)
                    if batch.count >= batchSize { try await classify() }
                case .skipped: counts.skipped += 1
                case .rejected: counts.quarantined += 1
                }
            }
        } catch let error as StoreUnavailableError {
            throw error
        } catch {
            counts.quarantined += 1
        }
        try await classify()
        return (counts, diffs)
    }
}
