import Foundation
import ChannelSupport
import GatewayCore

/// The SAX side: builds entries as elements open and close.
final class FeedXMLHandler: XMLStreamHandler {
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let rss09 = "http://my.netscape.com/rdf/simple/0.9/"
    /// Namespaces of extensions whose elements must not be read as core fields (media:title...).
    static let foreign: Set<String> = ["http://search.yahoo.com/mrss/", "http://www.itunes.com/dtds/podcast-1.0.dtd",
                                       "http://www.w3.org/2003/01/geo/wgs84_pos#", "http://purl.org/syndication/thread/1.0"]

    private(set) var format: FeedDocument.Format?
    private(set) var rootName: String?
    private(set) var entries: [FeedEntry] = []
    private(set) var feedTitle: String?
    private(set) var feedLink: String?

    private var stack: [(name: String, ns: String)] = []
    /// Whether the root element has been closed: the whole document was read.
    private(set) var rootClosed = false
    /// Elements opened and not closed (non-zero after a truncated document).
    var openElements: Int { stack.count }
    var innermost: String? { stack.last?.name }
    private var bases: [URL?]
    private var entry: FeedEntry?
    private var entryDepth = 0
    /// The open elements' text, as bytes: each element's text starts where its
    /// parent's ended (`textStarts`), so nesting costs no copies.
    private var text: [UInt8] = []
    private var textStarts: [Int] = []
    /// Depth of an Atom text construct of type xhtml being collected, and its target.
    private var xhtmlDepth: Int?
    private var inAuthor = false

    init(baseURL: URL?) {
        bases = [baseURL]
    }

    func startElement(_ name: String, namespace ns: String, attributes: XMLAttributes) {
        let base = attributes.count == 0 ? nil : attributes["base", xml: true] ?? attributes["base"]
        bases.append(base.flatMap { URL(string: $0, relativeTo: bases.last ?? nil)?.absoluteURL } ?? bases.last ?? nil)
        if stack.isEmpty {
            rootName = name
            switch (name, ns) {
            case ("rss", _):
                switch attributes["version"] ?? "2.0" {
                case "0.91": format = .rss091
                case "0.92": format = .rss092
                case "0.90", "0.9": format = .rss090
                default: format = .rss20
                }
            case ("RDF", _): format = .rss10
            case ("feed", Self.atom03): format = .atom03
            case ("feed", _): format = .atom10
            // A standalone Atom entry document is a feed of one.
            case ("entry", Self.atom03): format = .atom03
            case ("entry", Self.atom10): format = .atom10
            default: break
            }
        }
        stack.append((name, ns))
        // Each element collects its own text; a parent gets its children's text
        // too when they close (mixed content, HTML left unescaped in a description).
        textStarts.append(text.count)
        if let depth = xhtmlDepth, stack.count > depth {
            // Inside xhtml content: block elements become line breaks.
            if ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"].contains(name) { text.append(0x0A) }
            return
        }
        let isAtom = isAtomNamespace(ns)
        if entry == nil, (name == "item" && !Self.foreign.contains(ns)) || (name == "entry" && isAtom) {
            entry = FeedEntry()
            entryDepth = stack.count
            return
        }
        if name == "author" && (isAtom || ns.isEmpty) { inAuthor = true }
        if isAtom, ["content", "summary", "title"].contains(name), attributes["type"] == "xhtml" || attributes["mode"] == "xml" {
            xhtmlDepth = stack.count
        }
        if var e = entry {
            if isAtom, name == "link" {
                let rel = attributes["rel"] ?? "alternate"
                if rel == "alternate", e.link == nil, let href = attributes["href"] { e.link = resolve(href) }
            }
            if isAtom, name == "category", let term = attributes["term"] { e.categories.append(attributes["label"] ?? term) }
            if isAtom, ["content", "summary", "title"].contains(name) {
                let type = (attributes["type"] ?? "text").lowercased()
                // xhtml arrives as elements, which the parser already turns into
                // text with line breaks; html arrives escaped and is converted later.
                let html = (type == "html" || type.hasPrefix("text/html")) || (attributes["mode"] == "escaped")
                switch name {
                case "content": e.contentIsHTML = html
                case "summary": e.summaryIsHTML = html
                default: e.titleIsHTML = html
                }
            }
            entry = e
        } else if stack.count == 2 || (stack.count == 3 && stack[1].name == "channel") {
            if isAtom, name == "link", (attributes["rel"] ?? "alternate") == "alternate", feedLink == nil, let href = attributes["href"] {
                feedLink = resolve(href)
            }
        }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Text outside an entry is only ever the feed's title and link.
        if entry != nil || stack.count <= 3 { text.append(contentsOf: bytes) }
    }

    func endElement(_ name: String, namespace ns: String) {
        let start = textStarts.popLast() ?? 0
        defer {
            stack.removeLast()
            bases.removeLast()
            if stack.isEmpty { rootClosed = true }
            // Only a field inside an entry passes its text to its parent (mixed
            // content); passing every element's text up to <channel> would copy
            // the whole document once per item.
            if !(entry != nil && stack.count > entryDepth) { text.removeSubrange(start...) }
        }
        if let depth = xhtmlDepth {
            if stack.count > depth { return }
            xhtmlDepth = nil
        }
        let value = Self.trimmed(text[start...])
        let isAtom = isAtomNamespace(ns)
        if name == "author" && (isAtom || ns.isEmpty) { inAuthor = false }
        guard var e = entry else {
            // Feed-level title and link: children of <channel> (RSS) or of <feed> (Atom).
            if name == "title", feedTitle == nil, stack.count == 2 || (stack.count == 3 && stack[1].name == "channel"), !Self.foreign.contains(ns) {
                feedTitle = value
            }
            if name == "link", !isAtom, feedLink == nil, stack.count == 3, stack[1].name == "channel", !value.isEmpty {
                feedLink = resolve(value)
            }
            return
        }
        if stack.count == entryDepth {
            entries.append(e)
            entry = nil
            return
        }
        guard !Self.foreign.contains(ns) else { return }
        let direct = stack.count == entryDepth + 1
        switch (name, ns) {
        case ("title", _) where direct && ns != Self.dc: e.title = value
        case ("link", _) where !isAtom && direct: if e.link == nil, !value.isEmpty { e.link = resolve(value) }
        case ("guid", _) where direct, ("id", _) where isAtom && direct: e.id = value.isEmpty ? nil : value
        case ("pubDate", _), ("published", _) where isAtom, ("issued", _) where isAtom, ("date", Self.dc):
            if e.published == nil { e.published = value }
        case ("updated", _) where isAtom, ("modified", _) where isAtom:
            e.updated = value
        case ("description", _) where direct && !isAtom:
            e.summary = value; e.summaryIsHTML = true
        case ("encoded", Self.content):
            e.content = value; e.contentIsHTML = true
        case ("content", _) where isAtom && direct:
            e.content = value
        case ("summary", _) where isAtom && direct:
            e.summary = value
        case ("title", Self.dc):
            if e.title == nil { e.title = value }
        case ("creator", Self.dc):
            if e.authorName == nil { e.authorName = value }
        case ("name", _) where inAuthor:
            e.authorName = value
        case ("email", _) where inAuthor:
            e.authorEmail = value
        case ("uri", _) where inAuthor, ("url", _) where inAuthor:
            e.authorURI = value
        case ("author", _) where !isAtom && direct && !value.isEmpty:
            // RSS: "someone@example.com (Some One)" or just a name.
            if let open = value.firstIndex(of: "("), let close = value.lastIndex(of: ")"), open < close {
                e.authorEmail = value[..<open].trimmingCharacters(in: .whitespaces)
                e.authorName = String(value[value.index(after: open)..<close])
            } else if value.contains("@"), !value.contains(" ") {
                e.authorEmail = value
            } else {
                e.authorName = value
            }
        case ("category", _) where !isAtom && direct, ("subject", Self.dc):
            if !value.isEmpty { e.categories.append(value) }
        default: break
        }
        entry = e
    }

    /// Atom's namespaces, or none in a document whose root is an Atom `<feed>`
    /// written without one.
    private func isAtomNamespace(_ ns: String) -> Bool {
        ns == Self.atom10 || ns == Self.atom03 || (ns.isEmpty && (format == .atom10 || format == .atom03))
    }

    /// The bytes as text, white space at both ends removed.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let b = slice.first, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { slice.removeFirst() }
        while let b = slice.last, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { slice.removeLast() }
        return String(decoding: slice, as: UTF8.self)
    }

    private func resolve(_ link: String) -> String {
        let trimmed = link.trimmingWhiteSpace
        guard let base = bases.last ?? nil, let url = URL(string: trimmed, relativeTo: base) else { return trimmed }
        return url.absoluteString
    }
}
