import Foundation

/// A file to take in for a channel: a path given to `ingest`, a drop-folder
/// entry, a file of an import.
public struct IntakeFile: Sendable {
    public var url: URL
    public var channel: ConfiguredChannel
    /// Whether a symbolic link is followed: only a path typed by an operator
    /// may be one; files found in a folder must be regular files there.
    public var links: InputFile.Links
    /// Skip the file when an ingestion of the same bytes for the channel has
    /// finished (drop folders, folder arguments); a file named explicitly is
    /// processed again (its complaints are recognized, not duplicated).
    public var skipIfFinished: Bool
    /// The name recorded in the manifest; the path when nil.
    public var sourceName: String?
    /// When it was received.
    public var receivedAt: ReceivedAt

    public enum ReceivedAt: Sendable {
        /// Now, as it is taken in.
        case now
        /// The file's modification time (an imported backlog keeps its dates).
        case modified
    }

    public init(url: URL, channel: ConfiguredChannel, links: InputFile.Links = .refuse, skipIfFinished: Bool,
                sourceName: String? = nil, receivedAt: ReceivedAt = .now) {
        self.url = url
        self.channel = channel
        self.links = links
        self.skipIfFinished = skipIfFinished
        self.sourceName = sourceName
        self.receivedAt = receivedAt
    }
}

/// What became of one `IntakeFile`.
public enum IntakeFileResult: Sendable {
    /// Archived, parsed and committed (or quarantined, see the report).
    case ingested(IngestReport)
    /// The same bytes were already ingested completely for the channel.
    case alreadyIngested
    /// Another instance holds the claim on these bytes (it is ingesting them).
    case claimedElsewhere
    /// Not taken in: the file could not be opened or read, or the archive or the
    /// store failed. Nothing was acknowledged; the file can be taken again.
    case failed(any Error)
}
