import Foundation

/// A parsed feed, whatever its format: the fields this gateway maps, as the
/// document wrote them (titles and content may still be HTML).
public struct FeedDocument: Sendable, Equatable {
    public enum Format: String, Sendable {
        case rss090 = "rss0.90", rss091 = "rss0.91", rss092 = "rss0.92", rss10 = "rss1.0", rss20 = "rss2.0"
        case atom03 = "atom0.3", atom10 = "atom1.0"
        case jsonFeed10 = "json1.0", jsonFeed11 = "json1.1"
    }

    public var format: Format
    public var title: String?
    public var link: String?
    public var entries: [FeedEntry]

    public init(format: Format, title: String? = nil, link: String? = nil, entries: [FeedEntry] = []) {
        self.format = format
        self.title = title
        self.link = link
        self.entries = entries
    }
}

/// One item (RSS), entry (Atom) or item (JSON Feed).
public struct FeedEntry: Sendable, Equatable {
    /// guid / id, as written.
    public var id: String?
    public var title: String?
    /// Whether `title` is HTML (Atom `type="html"`/`xhtml`; RSS titles are text).
    public var titleIsHTML = false
    /// The entry's link, resolved against xml:base or the document's URL.
    public var link: String?
    /// Raw date texts and what they parse to.
    public var published: String?
    public var updated: String?
    public var authorName: String?
    public var authorEmail: String?
    public var authorURI: String?
    /// content:encoded, Atom content, JSON content_html / content_text.
    public var content: String?
    public var contentIsHTML = true
    /// description, Atom summary, JSON summary.
    public var summary: String?
    public var summaryIsHTML = true
    public var categories: [String] = []

    public init() {}
}
