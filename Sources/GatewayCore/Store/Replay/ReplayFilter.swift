import Foundation
import ComplaintModel

/// Which archived inputs a replay takes.
public struct ReplayFilter: Sendable, Equatable {
    public var channel: String?
    /// Received at or after.
    public var since: Date?
    /// Received before.
    public var until: Date?
    public var sha256: String?
    /// Only inputs with quarantine entries.
    public var quarantinedOnly: Bool

    /// A stable text form, identifying the same replay across runs.
    public var key: String {
        [channel ?? "*", since.map(RFC3339.string(from:)) ?? "*", until.map(RFC3339.string(from:)) ?? "*",
         sha256 ?? "*", quarantinedOnly ? "quarantined" : "all"].joined(separator: "|")
    }

    public init(channel: String? = nil, since: Date? = nil, until: Date? = nil, sha256: String? = nil, quarantinedOnly: Bool = false) {
        self.channel = channel
        self.since = since
        self.until = until
        self.sha256 = sha256
        self.quarantinedOnly = quarantinedOnly
    }
}
