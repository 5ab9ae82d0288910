import Foundation

extension IngestCounts {
    /// The counts as every engine stores them in `ingestions.counts`.
    public var storedJSON: String {
        get throws { String(decoding: try JSONEncoder().encode(self), as: UTF8.self) }
    }
}
