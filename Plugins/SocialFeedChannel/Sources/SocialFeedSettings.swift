import Foundation
import GatewayCore

/// A social-feed channel's validated settings.
struct SocialFeedSettings: Sendable {
    var filter: FeedFilter
    var maxDocumentBytes: Int

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
        if !problems.isEmpty { throw ConfigError(problems) }
    }

    /// Defaults: every item is a complaint, documents up to 10 MiB.
    init() {
        filter = FeedFilter()
        maxDocumentBytes = 10 << 20
    }
}
