import Foundation

/// Reads JSON Feed 1.0 and 1.1 (`author` and `authors`).
public enum JSONFeedReader {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ data: Data, baseURL: URL? = nil) throws -> FeedDocument {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Failure(description: "not valid JSON: \(error.localizedDescription)")
        }
        guard let feed = object as? [String: Any] else { throw Failure(description: "not a JSON Feed: the top level is not an object") }
        // The spec's version is a URL; "1.0" and a missing version occur in the wild.
        let version = feed["version"] as? String ?? ""
        guard let items = feed["items"] as? [Any] else {
            throw Failure(description: "not a JSON Feed: no \"items\" array" + (version.isEmpty ? " and no \"version\"" : ""))
        }
        let base = (feed["home_page_url"] as? String).flatMap { URL(string: $0) } ?? baseURL
        var document = FeedDocument(format: version.hasSuffix("1.1") || feed["authors"] != nil ? .jsonFeed11 : .jsonFeed10,
                                    title: feed["title"] as? String, link: feed["home_page_url"] as? String)
        let feedAuthor = author(feed)
        for case let item as [String: Any] in items {
            var e = FeedEntry()
            // Ids are strings by the spec; numbers occur.
            if let id = item["id"] as? String { e.id = id } else if let id = item["id"] as? NSNumber { e.id = id.stringValue }
            e.title = item["title"] as? String
            e.titleIsHTML = false
            if let url = (item["url"] as? String) ?? (item["external_url"] as? String) {
                e.link = URL(string: url, relativeTo: base)?.absoluteString ?? url
            }
            if let html = item["content_html"] as? String {
                e.content = html
                e.contentIsHTML = true
            } else if let text = item["content_text"] as? String {
                e.content = text
                e.contentIsHTML = false
            }
            e.summary = item["summary"] as? String
            e.summaryIsHTML = false
            e.published = item["date_published"] as? String
            e.updated = item["date_modified"] as? String
            let a = author(item) ?? feedAuthor
            e.authorName = a?.name
            e.authorURI = a?.url
            e.categories = item["tags"] as? [String] ?? []
            document.entries.append(e)
        }
        return document
    }

    private static func author(_ object: [String: Any]) -> (name: String?, url: String?)? {
        let a = (object["authors"] as? [[String: Any]])?.first ?? object["author"] as? [String: Any]
        guard let a else { return nil }
        return (a["name"] as? String, a["url"] as? String)
    }
}
