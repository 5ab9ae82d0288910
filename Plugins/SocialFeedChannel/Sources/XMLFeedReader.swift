import Foundation
import ChannelSupport
import GatewayCore

/// Reads RSS 0.9x / 1.0 (RDF) / 2.0 and Atom 0.3 / 1.0 documents with the
/// system's libxml2, driven directly (`XMLStreamParser`: SAX2, one pass, no
/// tree), namespaces resolved.
///
/// Safe by construction: external entities are never loaded, and a document
/// that declares entities in a DTD is refused at the declaration (the
/// billion-laughs family), as libxml2 itself reads the DTD: in any encoding,
/// at any position. HTML named entities that RSS 0.91 documents use without
/// declaring (`&nbsp;`) are rewritten as character references. Ill-formed XML
/// keeps the entries read before the error; the error itself is reported with
/// the parser's line and column.
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
        let trimmed = start == data.startIndex ? data : Data(data[start...])
        let document: Data
        switch Self.asUTF8(trimmed) {
        case .ready(let bytes):
            document = bytes
        case .invalidUTF8(let bad):
            // The entries before the first invalid byte are kept; the rest is
            // quarantined with the place.
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

    static func parse(_ data: Data, baseURL: URL?) throws -> FeedDocument {
        let handler = FeedXMLHandler(baseURL: baseURL)
        let outcome = data.withUnsafeBytes { XMLStreamParser.parse($0, handler: handler) }
        if let entity = outcome.declaredEntity {
            throw Failure(description: "the document declares entities in a DTD (<!ENTITY \(entity) ...>); refused: entity expansion is never performed",
                          partial: nil)
        }
        // An error reported after the root element closed loses nothing.
        let error = handler.rootClosed ? nil : outcome.error
        guard let format = handler.format else {
            if let error { throw Failure(description: "not well-formed XML at line \(outcome.line), column \(outcome.column): \(error)", partial: nil) }
            throw Failure(description: "not a feed: the root element is <\(handler.rootName ?? "none")>, expected <rss>, <rdf:RDF> or <feed>", partial: nil)
        }
        let document = FeedDocument(format: format, title: handler.feedTitle, link: handler.feedLink, entries: handler.entries)
        if let error {
            throw Failure(description: "not well-formed XML at line \(outcome.line), column \(outcome.column): \(error)", partial: document)
        }
        if outcome.openElements > 0 {
            throw Failure(description: "document ends with \(outcome.openElements) element\(outcome.openElements == 1 ? "" : "s") still open (<\(handler.innermost ?? "?")>) at line \(outcome.line), column \(outcome.column): truncated",
                          partial: document)
        }
        return document
    }
}
