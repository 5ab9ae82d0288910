import Foundation
import ComplaintModel

/// How an ingestion ended.
public enum IngestionStatus: String, Sendable, Codable {
    /// Running (or interrupted, when found at start-up).
    case processing
    /// Every record was stored, skipped or quarantined.
    case completed
    /// The input could not be read to its end; what was read is kept and the
    /// input is in quarantine.
    case failed
    /// Interrupted, then processed again by a later ingestion (recovery).
    case superseded
}
