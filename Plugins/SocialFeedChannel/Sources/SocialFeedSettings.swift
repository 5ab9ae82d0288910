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
