import Foundation
import ComplaintModel
import ChannelSupport
import GatewayCore

/// Maps a feed entry to a complaint draft.
struct FeedEntryMapper: Sendable {
    /// The draft, or nil when the entry has no text at all (nothing to complain about).
    func draft(_ entry: FeedEntry, document: FeedDocument, index: Int, feedURL: String?) -> ComplaintDraft? {
        var warnings: [String] = []
        let title = entry.title.map { entry.titleIsHTML ? HTMLText.text($0) : $0 }.map(Self.clean).flatMap(Self.nonEmpty)
        let content = entry.content.map { entry.contentIsHTML ? HTMLText.text($0) : $0 }.map(Self.clean).flatMap(Self.nonEmpty)
        let summary = entry.summary.map { entry.summaryIsHTML ? HTMLText.text($0) : $0 }.map(Self.clean).flatMap(Self.nonEmpty)
        guard let body = content ?? summary ?? title else { return nil }

        // guid / id; otherwise what identifies the item for its feed: its link and title.
        let sourceID: String
        if let id = entry.id?.trimmingWhiteSpace, !id.isEmpty {
            sourceID = id
        } else {
            sourceID = "sha256:" + Hex.sha256(Array(((entry.link ?? "") + "\n" + (entry.title ?? "")).utf8))
            warnings.append("item has no guid/id; identified by its link and title")
        }
        var occurredAt: Date? = nil
        for (label, raw) in [("published", entry.published), ("updated", entry.updated)] {
            guard let raw, occurredAt == nil else { continue }
            if let parsed = InternetDate.parse(raw) {
                occurredAt = parsed.date
                if parsed.zoneMissing { warnings.append("\(label) date \"\(raw)\" has no time zone; read as UTC") }
            } else {
                warnings.append("\(label) date \"\(raw)\" is not a date")
            }
        }
        var customer = Customer()
        customer.name = entry.authorName.flatMap(Self.nonEmpty)
        customer.handle = Self.handle(entry)
        if let email = entry.authorEmail, email.contains("@") { customer.email = email }

        var attributes: [String: AttributeValue] = ["feed_format": .string(document.format.rawValue)]
        if let link = entry.link {
            // RSS has no xml:base: a relative link is relative to the feed's own URL or site.
            let resolved = Self.hasScheme(link) ? nil
                : (feedURL ?? document.link).flatMap(URL.init(string:)).flatMap { URL(string: link, relativeTo: $0)?.absoluteString }
            attributes["link"] = .string(resolved ?? link)
        }
        if let feedTitle = document.title.flatMap(Self.nonEmpty) { attributes["feed_title"] = .string(feedTitle) }
        if let feedURL { attributes["feed_url"] = .string(feedURL) }
        if !entry.categories.isEmpty { attributes["categories"] = .string(entry.categories.joined(separator: ", ")) }
        if content != nil, let summary, summary != body { attributes["summary"] = .string(summary) }
        return ComplaintDraft(sourceID: sourceID, occurredAt: occurredAt, customer: customer, subject: title, body: body,
                              attributes: attributes, warnings: warnings, location: "item \(index + 1)")
    }

    /// A handle: the author URI's last path component (a profile URL names the
    /// account), else the author name when it looks like one (`@name`).
    static func handle(_ entry: FeedEntry) -> String? {
        if let uri = entry.authorURI, let url = URL(string: uri), let last = url.pathComponents.last(where: { $0 != "/" }), !last.isEmpty {
            return last.hasPrefix("@") ? String(last.dropFirst()) : last
        }
        if let name = entry.authorName?.trimmingWhiteSpace, name.hasPrefix("@"), name.count > 1, !name.contains(" ") {
            return String(name.dropFirst())
        }
        return nil
    }

    static func clean(_ text: String) -> String {
        text.trimmingWhiteSpace
    }

    /// Whether `link` starts with a URL scheme (`https:`, `mailto:`): such a
    /// link is absolute, and parsing it as a URL (costly on Linux) is not needed.
    static func hasScheme(_ link: String) -> Bool {
        for (i, b) in link.utf8.enumerated() {
            let letter = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
            if b == UInt8(ascii: ":") { return i > 0 }
            if !(letter || (i > 0 && ((b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2D || b == 0x2E))) { return false }
        }
        return false
    }

    static func nonEmpty(_ text: String) -> String? {
        text.isEmpty ? nil : text
    }
}
