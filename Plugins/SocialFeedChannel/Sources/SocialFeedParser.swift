import Foundation
import ComplaintModel
import GatewayCore

/// Parses one saved (or fetched) feed document into complaint events: one
/// per item that passes the channel's filter; items that do not are counted
/// as skipped.
struct SocialFeedParser: ChannelParser {
    let settings: SocialFeedSettings

    init(settings: SocialFeedSettings = SocialFeedSettings()) {
        self.settings = settings
    }

    func open(_ input: RawInput) throws -> any ParseEventReader {
        if input.size > settings.maxDocumentBytes {
            throw Rejection(reason: "feed document of \(input.size) bytes is over max_document_bytes (\(settings.maxDocumentBytes))")
        }
        var data = try Data(contentsOf: input.url)
        // A charset named only by the HTTP header (a poller records it) is applied
        // when the document names none itself (no BOM, no encoding declaration).
        if let type = input.metadata["content_type"], let label = HeaderParameters(parsing: type).parameters["charset"] {
            data = try Self.transcode(data, headerCharset: label)
        }
        // Where the document came from (a poller records it), to resolve relative links.
        let feedURL = input.metadata["url"]
        let base = feedURL.flatMap(URL.init(string:))
        let document: FeedDocument
        do {
            document = try Self.read(data, baseURL: base)
        } catch let failure as XMLFeedReader.Failure {
            guard let partial = failure.partial else { throw Rejection(reason: failure.description, excerpt: Self.excerpt(data)) }
            // Ill-formed after some items: keep those, quarantine the rest with where it broke.
            // Ill-formed after some items: keep those, quarantine the rest with where it broke.
            let rest = Rejection(reason: failure.description + "; \(partial.entries.count) item\(partial.entries.count == 1 ? "" : "s") before it were read",
                                 excerpt: Self.excerpt(data))
            return FeedEventReader(parser: self, document: partial, feedURL: feedURL, trailing: rest)
        } catch {
            throw Rejection(reason: "\(error)", excerpt: Self.excerpt(data))
        }
        return FeedEventReader(parser: self, document: document, feedURL: feedURL)
    }

    /// The document in UTF-8 when it has no charset of its own and the HTTP
    /// header named one; otherwise as it is.
    static func transcode(_ data: Data, headerCharset label: String) throws -> Data {
        guard let charset = Charset(label: label), !charset.isUTF8 else { return data }
        if data.starts(with: [0xEF, 0xBB, 0xBF]) || data.starts(with: [0xFE, 0xFF]) || data.starts(with: [0xFF, 0xFE]) { return data }
        let head = String(decoding: data.prefix(200), as: UTF8.self)
        if head.hasPrefix("<?xml"), let end = head.range(of: "?>"), head[..<end.lowerBound].contains("encoding") { return data }
        let decoded = try IconvConverter.decode(data, charset: charset)
        return Data(decoded.text.utf8)
    }

    /// JSON Feed when the first character is `{`, else XML.
    static func read(_ data: Data, baseURL: URL?) throws -> FeedDocument {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        if first == UInt8(ascii: "{") { return try JSONFeedReader.read(Data(bytes), baseURL: baseURL) }
        return try XMLFeedReader.read(data, baseURL: baseURL)
    }

    /// The event for one entry: a complaint, skipped by the filter, or rejected when it has no text.
    func event(_ entry: FeedEntry, index: Int, document: FeedDocument, feedURL: String?) -> ParseEvent {
        guard let draft = FeedEntryMapper().draft(entry, document: document, index: index, feedURL: feedURL ?? document.link) else {
            return .rejected(Rejection(reason: "item has no title, content or summary", location: "item \(index + 1)",
                                       excerpt: entry.link ?? entry.id, kind: .invalid))
        }
        let author = [draft.customer.name, draft.customer.handle, draft.customer.email].compactMap { $0 }
        guard settings.filter.matches(title: draft.subject, text: draft.body, author: author) else {
            return .skipped(location: draft.location)
        }
        return .complaint(draft)
    }

    static func excerpt(_ data: Data) -> String {
        String(decoding: data.prefix(300), as: UTF8.self)
    }
}

/// Yields one document's entries as events, mapping each only when asked
/// for (the document is bounded by `max_document_bytes`; drafts are not
/// all held at once).
final class FeedEventReader: ParseEventReader {
    private let parser: SocialFeedParser
    private let document: FeedDocument
    private let feedURL: String?
    private var trailing: Rejection?
    private var position = 0

    init(parser: SocialFeedParser, document: FeedDocument, feedURL: String?, trailing: Rejection? = nil) {
        self.parser = parser
        self.document = document
        self.feedURL = feedURL
        self.trailing = trailing
    }

    func next() throws -> ParseEvent? {
        let cap = parser.settings.maxItems
        if position == cap, document.entries.count > cap {
            position += 1
            return .rejected(Rejection(
                reason: "items \(cap + 1)–\(document.entries.count) not read: the document has \(document.entries.count) items, over max_items (\(cap)); raise max_items and replay this input",
                location: "items \(cap + 1)-\(document.entries.count)", kind: .invalid))
        }
        if position < min(document.entries.count, cap) {
            defer { position += 1 }
            return parser.event(document.entries[position], index: position, document: document, feedURL: feedURL)
        }
        if let rest = trailing {
            trailing = nil
            return .rejected(rest)
        }
        return nil
    }
}
