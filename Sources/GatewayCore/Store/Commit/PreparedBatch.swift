import Dispatch
import ComplaintModel

/// What a store computes for a batch before it takes the write lock: each
/// complaint's stored document and dedup features (MinHash over the text,
/// the most expensive part of a decision), on every core.
///
/// The single writer is what bounds ingestion; work that needs no store is
/// done here, by the caller, in parallel (and while the writer commits the
/// previous batch), so the writer only decides and writes.
public struct PreparedBatch: Sendable {
    public let complaints: [NormalizedComplaint]
    /// Each complaint's document, with its verdict and revision to be filled in by the writer.
    public let documents: [ComplaintJSON.Template]
    public let features: [DedupFeatures?]

    public init(_ complaints: [NormalizedComplaint], dedup: any DedupStage) {
        self.complaints = complaints
        documents = Self.parallelMap(complaints) { ComplaintJSON.Template($0.complaint) }
        features = Self.parallelMap(complaints) { dedup.features(of: $0) }
    }

    /// The document to store for what dedup decided about complaint `position`.
    public func document(_ position: Int, for complaint: Complaint) -> String {
        documents[position].render(complaint) ?? ComplaintJSON.string(complaint)
    }

    /// `transform` over `items` in chunks on all cores; in order.
    static func parallelMap<T: Sendable>(_ items: [NormalizedComplaint], _ transform: @Sendable (NormalizedComplaint) -> T) -> [T] {
        // Below this, spreading the work costs more than it saves.
        guard items.count >= 64 else { return items.map(transform) }
        let chunk = 32
        let chunks = (items.count + chunk - 1) / chunk
        var results = [T?](repeating: nil, count: items.count)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own slice of the buffer: no two touch one element.
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in (c * chunk)..<min(items.count, (c + 1) * chunk) { out[i] = transform(items[i]) }
            }
        }
        return results.map { $0! }
    }
}
