import Foundation
import GatewayCore

/// A social-feed channel's validated settings.
struct SocialFeedSettings: Sendable {
    var filter: FeedFilter
    var maxDocumentBytes: Int
    /// Items read from one document; a feed that suddenly lists thousands is
    /// cut here (the rest is quarantined as one entry, to replay with a higher cap).
    var maxItems: Int

    init(_ s: ChannelSettings) throws {
        var problems: [ConfigProblem] = []
        var regex: NSRegularExpression? = nil
        if let pattern = s.string("match_regex") {
            do {
                regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            } catch {
                problems.append(s.problem("match_regex", "not a valid regular expression: \(pattern)"))
            }
        }
        filter = FeedFilter(keywords: s.strings("match_keywords") ?? [], handles: s.strings("match_handles") ?? [], regex: regex)
        maxDocumentBytes = s.int("max_document_bytes") ?? 10 << 20
        if maxDocumentBytes < 1024 {
            problems.append(s.problem("max_document_bytes", "must be at least 1024"))
        }
        maxItems = s.int("max_items") ?? 1000
        if maxItems < 1 {
            problems.append(s.problem("max_items", "must be at least 1"))
        }
        if !problems.isEmpty { throw ConfigError(problems) }
    }

    /// Defaults: every item is a complaint, documents up to 10 MiB.
    init() {
        filter = FeedFilter()
        maxDocumentBytes = 10 << 20
        maxItems = 1000
    }
}

extension SocialFeedSettings {
    /// The keys of a `[[channel]]` with `type = "social_feed"` (besides `name` and `type`).
    static let options: [OptionSpec] = [
        OptionSpec("url", .string, help: "Feed URL that `serve` polls (http or https)."),
        OptionSpec("poll_interval_seconds", .integer, default: "300", help: "Time between polls; errors back off exponentially (with jitter) up to an hour."),
        OptionSpec("poll_timeout_seconds", .integer, default: "30", help: "Longest a poll may take, redirects and a slow server's every byte included."),
        OptionSpec("allow_internal_addresses", .stringArray,
                   help: "Internal addresses or CIDR ranges the poll may connect to (a feed inside your network: [\"10.20.0.0/16\"]); loopback, private and link-local addresses are refused otherwise, after DNS and on every redirect."),
        OptionSpec("allow_redirects_to", .stringArray,
                   help: "Hosts a redirect may lead to besides the URL's own (\"cdn.example.cn\", \"*.example.cn\"); by default any host with a public address."),
        OptionSpec("drop_folder", .watchedFolder, help: "Folder of saved feed documents this channel ingests."),
        OptionSpec("match_keywords", .stringArray, help: "Items whose title, text or author contain one of these (any case) are complaints."),
        OptionSpec("match_handles", .stringArray, help: "Items by these authors (handle or name, @ optional) are complaints."),
        OptionSpec("match_regex", .string, help: "Items whose title or text match this regular expression (any case) are complaints."),
        OptionSpec("max_items", .integer, default: "1000", help: "Items read from one document (one poll); the rest are quarantined as one entry."),
        OptionSpec("max_document_bytes", .integer, default: "10485760", help: "Largest feed document accepted, as sent and after gzip or deflate decoding; a download is cut off at the limit."),
    ]
}
