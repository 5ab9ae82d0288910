import Foundation
import ComplaintModel

/// A record (or a whole input) that could not be parsed, on its way to quarantine.
public struct QuarantineEntry: Sendable, Equatable {
    public var channel: String
    public var rawSHA256: String
    public var rejection: Rejection

    public init(channel: String, rawSHA256: String, rejection: Rejection) {
        self.channel = channel
        self.rawSHA256 = rawSHA256
        self.rejection = rejection
    }
}
