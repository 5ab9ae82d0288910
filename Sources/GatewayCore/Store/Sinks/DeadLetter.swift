import Foundation
import ComplaintModel

/// A feed event a delivery sink could not deliver within its retry budget.
public struct DeadLetter: Sendable, Equatable {
    public var id: Int64
    public var sink: String
    public var sequence: Int64
    public var attempts: Int
    /// The last failure, for the operator.
    public var error: String
    public var createdAt: Date

    public init(id: Int64 = 0, sink: String, sequence: Int64, attempts: Int, error: String, createdAt: Date = Date()) {
        self.id = id
        self.sink = sink
        self.sequence = sequence
        self.attempts = attempts
        self.error = error
        self.createdAt = createdAt
    }
}
