import Foundation
import GatewayCore

/// The `social_feed` channel: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed
/// 1.0/1.1 documents (brand-mention bridges, forums, review sites), one
/// complaint per item that passes the channel's filter.
///
/// Documents are dropped as files (saved snapshots) into the channel's drop
/// folder or given to `ingest`/`parse`. An item that changes later (same
/// guid/id, new text) becomes a new revision of its complaint.
public struct SocialFeedPlugin: ChannelPlugin {
    /// What the feed reader reads, as a poller asks a server for it.
    static let accept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8"

    public init() {}

    public var type: String { "social_feed" }
    public var typeAliases: [String] { ["feed", "rss"] }
    public var summary: String { "RSS, Atom and JSON Feed documents (saved snapshots), filtered by keywords, handles or a regex" }
    public var mediaType: String { "application/xml" }

    public var options: [OptionSpec] { SocialFeedSettings.options }

    public func makeParser(_ settings: ChannelSettings) throws -> any ChannelParser {
        SocialFeedParser(settings: try SocialFeedSettings(settings))
    }

    /// A feed's items are published; their links and titles say where, not who.
    /// (Free text in `summary` is still scrubbed of addresses and numbers.)
    public func sharedAttributes(_ settings: ChannelSettings) -> Set<String> {
        ["feed_format", "link", "feed_title", "feed_url", "categories", "summary"]
    }

    public func pollTargets(_ settings: ChannelSettings) throws -> [PollTarget] {
        guard let text = settings.string("url") else { return [] }
        var problems: [ConfigProblem] = []
        let url = URL(string: text)
        if url == nil || !["http", "https"].contains(url?.scheme?.lowercased() ?? "") || url?.host == nil {
            problems.append(settings.problem("url", "\"\(text)\" is not an http or https URL"))
        }
        let interval = settings.int("poll_interval_seconds") ?? 300
        if interval < 1 { problems.append(settings.problem("poll_interval_seconds", "must be at least 1")) }
        let timeout = settings.int("poll_timeout_seconds") ?? 30
        if timeout < 1 || timeout > 600 { problems.append(settings.problem("poll_timeout_seconds", "must be between 1 and 600")) }
        var internalRanges: [NetworkRange] = []
        for text in settings.strings("allow_internal_addresses") ?? [] {
            if let range = NetworkRange(text) {
                internalRanges.append(range)
            } else {
                problems.append(settings.problem("allow_internal_addresses", "\"\(text)\" is not an address or CIDR range (\"10.20.0.0/16\", \"127.0.0.1\")"))
            }
        }
        let redirectHosts = settings.strings("allow_redirects_to")
        for host in redirectHosts ?? [] where host.isEmpty || host.contains(where: { $0 == "/" || $0 == ":" || $0.isWhitespace }) {
            problems.append(settings.problem("allow_redirects_to", "\"\(host)\" is not a host name (\"feeds.example.cn\" or \"*.example.cn\")"))
        }
        guard problems.isEmpty, let url else { throw ConfigError(problems) }
        return [PollTarget(url: url, interval: .seconds(interval), timeout: .seconds(timeout),
                           maxBytes: settings.int("max_document_bytes") ?? 10 << 20, accept: Self.accept,
                           allowedInternalRanges: internalRanges, redirectHosts: redirectHosts)]
    }
}
