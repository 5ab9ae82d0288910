import Foundation

/// A place `serve` fetches a channel's inputs from, one at a time, resuming
/// where it stopped: an IMAP mailbox folder. (Feeds, fetched whole as one
/// document, are `PollTarget`s.)
///
/// The server keeps each source's position in the store, archives every
/// fetched input before it is parsed (exactly like a file), and acknowledges
/// an input at the source (flags it, moves it) only after its complaints are
/// committed. Fetching the same input twice creates nothing twice: an input
/// whose bytes were already ingested for the channel is skipped.
public protocol RemoteSource: Sendable {
    /// Unique among all sources; names the saved position and the lease
    /// that lets one instance fetch at a time.
    var key: String { get }
    /// Where it is, for logs and `/readyz` (never a password).
    var displayName: String { get }
    /// The wait between rounds when nothing is pending.
    var interval: Duration { get }
    /// Inputs listed per round (the next round follows at once while more wait).
    var batchSize: Int { get }

    /// What arrived after `position` (nil: from the start), oldest first, at
    /// most `limit`. A source whose numbering restarted (an IMAP UIDVALIDITY
    /// change) lists everything again.
    func pending(after position: String?, limit: Int) async throws -> [RemoteItem]

    /// The input's bytes; nil when it disappeared since it was listed.
    func download(_ item: RemoteItem) async throws -> Data?

    /// Called once the input's complaints are committed.
    func acknowledge(_ item: RemoteItem) async throws

    /// Logs in and describes what is there ("INBOX: 12 messages"), for `check --connect`.
    func probe() async throws -> String

    /// What `check` warns about in how the source is reached (a password
    /// that may cross the network in clear text); empty when nothing.
    var securityWarnings: [String] { get }
}

extension RemoteSource {
    public var batchSize: Int { 100 }
    public var securityWarnings: [String] { [] }
}

/// One input a remote source holds.
public struct RemoteItem: Sendable, Equatable {
    /// The source's name for it (an IMAP UID), for logs and the manifest.
    public var identifier: String
    /// The position to save once this item is done.
    public var position: String
    /// Kept with the archived input (mailbox, UID, UIDVALIDITY).
    public var metadata: [String: String]

    public init(identifier: String, position: String, metadata: [String: String] = [:]) {
        self.identifier = identifier
        self.position = position
        self.metadata = metadata
    }
}
