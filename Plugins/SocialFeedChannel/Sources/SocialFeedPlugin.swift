import GatewayCore

/// The `social_feed` channel: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed
/// 1.0/1.1 documents (brand-mention bridges, forums, review sites), one
/// complaint per item that passes the channel's filter.
///
/// Documents are dropped as files (saved snapshots) into the channel's drop
/// folder or given to `ingest`/`parse`. An item that changes later (same
/// guid/id, new text) becomes a new revision of its complaint.
public struct SocialFeedPlugin: ChannelPlugin {
    public init() {}

    public var type: String { "social_feed" }
    public var typeAliases: [String] { ["feed", "rss"] }
    public var summary: String { "RSS, Atom and JSON Feed documents (saved snapshots), filtered by keywords, handles or a regex" }
    public var mediaType: String { "application/xml" }

    public var options: [OptionSpec] {
        [
            OptionSpec("drop_folder", .watchedFolder, help: "Folder of saved feed documents this channel ingests."),
            OptionSpec("match_keywords", .stringArray, help: "Items whose title, text or author contain one of these (any case) are complaints."),
            OptionSpec("match_handles", .stringArray, help: "Items by these authors (handle or name, @ optional) are complaints."),
            OptionSpec("match_regex", .string, help: "Items whose title or text match this regular expression (any case) are complaints."),
            OptionSpec("max_document_bytes", .integer, default: "10485760", help: "Largest feed document accepted; larger ones are quarantined."),
        ]
    }

    public func makeParser(_ settings: ChannelSettings) throws -> any ChannelParser {
        SocialFeedParser(settings: try SocialFeedSettings(settings))
    }
}
