import Foundation
import GatewayCore
import Synchronization
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads RSS 0.9x / 1.0 (RDF) / 2.0 and Atom 0.3 / 1.0 documents with the
/// system's libxml2 (FoundationXML), namespaces resolved.
///
/// Safe by construction: external entities are never loaded, and a document
/// that declares entities in a DTD is refused before parsing (the
/// billion-laughs family), as libxml2 itself reads the DTD
/// (`XMLEntityGuard`): in any encoding, at any position. HTML named entities that RSS 0.91 documents use
/// without declaring (`&nbsp;`) are rewritten as character references.
/// Ill-formed XML keeps the entries read before the error; the error itself is
/// reported with the parser's line and column.
public enum XMLFeedReader {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// The entries read before the error, when it came after some.
        public var partial: FeedDocument?
    }

    public static func read(_ data: Data, baseURL: URL? = nil) throws -> FeedDocument {
        // White space (even a blank line) before the XML declaration is an error
        // to libxml2 and common in real feeds.
        let start = data.firstIndex { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } ?? data.startIndex
        // RSS 0.91 and hand-written feeds use HTML entities (&nbsp;) the XML does
        // not declare, and bare "&". Both are rewritten before parsing: what
        // libxml2 does with an undeclared entity depends on the document's DTD
        // and is not something to rely on, and no document here may declare any.
        let trimmed = Data(data[start...])
        let document: Data
        switch Self.asUTF8(trimmed) {
        case .ready(let bytes):
            document = Self.blankingEmptyProcessingInstructions(bytes)
        case .invalidUTF8(let bad):
            // FoundationXML traps (the process dies) on an element or attribute
            // name that is not valid UTF-8. The entries before the first invalid
            // byte are kept; the rest is quarantined with the place.
            let line = trimmed.prefix(bad).filter { $0 == 0x0A }.count + 1
            var partial: FeedDocument? = nil
            do {
                partial = try read(trimmed.prefix(bad), baseURL: baseURL)
            } catch let failure as Failure {
                partial = failure.partial
            }
            throw Failure(description: "not valid UTF-8 at line \(line) (byte \(bad + 1)), and no encoding declared that would read it", partial: partial)
        }
        return try parse(HTMLEntities.isASCIICompatible(document) ? HTMLEntities.rewriteUndeclared(document) : document, baseURL: baseURL)
    }

    /// FoundationXML drives libxml2, parts of whose configuration are
    /// process-wide (entity substitution, error handlers). In the test suite a
    /// document's undeclared entities were handled differently while other
    /// documents were being parsed at the same time; feed parsing is a small
    /// share of a gateway's work, so it is done one document at a time.
    private static let libxml2 = Mutex(())

    static func parse(_ data: Data, baseURL: URL?) throws -> FeedDocument {
        try libxml2.withLock { _ in
            // Checked on the very bytes that are parsed next.
            if let entity = XMLEntityGuard.firstDeclaredEntity(in: data) {
                throw Failure(description: "the document declares entities in a DTD (<!ENTITY \(entity) ...>); refused: entity expansion is never performed",
                              partial: nil)
            }
            return try parseUnlocked(data, baseURL: baseURL)
        }
    }

    private static func parseUnlocked(_ data: Data, baseURL: URL?) throws -> FeedDocument {
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let handler = FeedXMLHandler(baseURL: baseURL)
        parser.delegate = handler
        // An error reported after the root element closed (libxml2 reports an
        // internal error at the end of some large documents) loses nothing.
        let ok = parser.parse() || handler.rootClosed
        guard let format = handler.format else {
            if !ok { throw Failure(description: "not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber): \(describe(parser.parserError))", partial: nil) }
            throw Failure(description: "not a feed: the root element is <\(handler.rootName ?? "none")>, expected <rss>, <rdf:RDF> or <feed>", partial: nil)
        }
        let document = FeedDocument(format: format, title: handler.feedTitle, link: handler.feedLink, entries: handler.entries)
        if ok, handler.openElements > 0 {
            // libxml2 (as FoundationXML drives it) can end a truncated document
            // without an error; elements still open mean the input was cut off.
            throw Failure(description: "document ends with \(handler.openElements) element\(handler.openElements == 1 ? "" : "s") still open (<\(handler.innermost ?? "?")>) at line \(parser.lineNumber), column \(parser.columnNumber): truncated",
                          partial: document)
        }
        if !ok {
            throw Failure(description: "not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber): \(describe(parser.parserError))",
                          partial: document)
        }
        return document
    }

    static func describe(_ error: (any Error)?) -> String {
        guard let error else { return "unknown error" }
        let ns = error as NSError
        if ns.domain == XMLParser.errorDomain, let code = XMLParser.ErrorCode(rawValue: ns.code) {
            switch code {
            case .undeclaredEntityError, .entityRefAtEOFError, .entityReferenceWithoutNameError, .entityReferenceMissingSemiError:
                return "undeclared or broken entity reference (code \(ns.code))"
            case .tagNameMismatchError: return "end tag does not match the start tag (code \(ns.code))"
            case .prematureDocumentEndError: return "document ends early (code \(ns.code))"
            default: return "libxml2 error \(ns.code)"
            }
        }
        return "\(error)"
    }
}

/// The SAX side: builds entries as elements open and close.
final class FeedXMLHandler: NSObject, XMLParserDelegate {
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
    private var text = ""
    private var textStack: [String] = []
    /// Depth of an Atom text construct of type xhtml being collected, and its target.
    private var xhtmlDepth: Int?
    private var inAuthor = false

    init(baseURL: URL?) {
        bases = [baseURL]
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let ns = namespaceURI ?? ""
        let base = attributes["xml:base"] ?? attributes["base"]
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
        textStack.append(text)
        text = ""
        if let depth = xhtmlDepth, stack.count > depth {
            // Inside xhtml content: block elements become line breaks.
            if ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"].contains(name) { text += "\n" }
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

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer {
            stack.removeLast()
            bases.removeLast()
            if stack.isEmpty { rootClosed = true }
            let parentText = textStack.popLast() ?? ""
            // Only a field inside an entry uses its children's text (mixed content);
            // passing every element's text up to <channel> would copy the whole
            // document once per item.
            if entry != nil, stack.count > entryDepth { text = parentText + text } else { text = parentText }
        }
        let ns = namespaceURI ?? ""
        if let depth = xhtmlDepth {
            if stack.count > depth { return }
            xhtmlDepth = nil
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
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

    private func resolve(_ link: String) -> String {
        let trimmed = link.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let base = bases.last ?? nil, let url = URL(string: trimmed, relativeTo: base) else { return trimmed }
        return url.absoluteString
    }
}
