import Foundation
import ComplaintModel

/// How far each delivery sink has read the feed, and what it gave up on.
public protocol SinkLedger: Sendable {
    /// The feed sequence a delivery sink has handled up to (0 when new).
    func sinkCursor(_ sink: String) async throws -> Int64

    /// Records that `sink` has handled the feed up to `cursor`.
    func advanceSink(_ sink: String, to cursor: Int64) async throws

    /// Records an event a sink gave up on.
    func addDeadLetter(_ letter: DeadLetter) async throws

    /// Dead letters, oldest first, of one sink or all.
    func deadLetters(sink: String?, limit: Int) async throws -> [DeadLetter]

    /// Removes a dead letter (delivered on retry).
    func removeDeadLetter(id: Int64) async throws
}
