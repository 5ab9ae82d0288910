import GatewayCore
import CLibXML2
import Synchronization

/// Readable text from HTML (a mail part, a feed's description, a form field),
/// read by libxml2's HTML parser, which repairs broken markup as browsers do
/// and knows every HTML entity: block elements become line breaks, `script`,
/// `style` and `head` are dropped, images leave their `alt` text, runs of
/// white space collapse as a browser would show them.
///
/// Nothing is fetched (`HTML_PARSE_NONET`), and a `<meta charset>` is ignored:
/// the text is already UTF-8 when it gets here.
public enum HTMLText {
    public static func text(_ html: String) -> String {
        var html = html
        return html.withUTF8 { text(UnsafeRawBufferPointer($0)) }
    }

    public static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        // Most feed titles and many descriptions hold no markup at all.
        if !bytes.contains(UInt8(ascii: "<")), !bytes.contains(UInt8(ascii: "&")) {
            let builder = Builder()
            builder.append(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
            return builder.text
        }
        let builder = Builder()
        let document = Self.closingTrailingTag(bytes)
        let parser = Parser.take()
        defer { Parser.give(parser) }
        let unmanaged = Unmanaged.passRetained(builder)
        defer { unmanaged.release() }
        parser.context.pointee._private = unmanaged.toOpaque()
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
                            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)
        document.withUnsafeBytes { raw in
            // With this SAX handler nothing builds a tree: the result is always NULL.
            _ = htmlCtxtReadMemory(parser.context, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count),
                                   nil, "UTF-8", options)
        }
        parser.context.pointee._private = nil
        return builder.text
    }

    /// A parser context with this type's SAX handler, reused from call to call
    /// (`htmlCtxtReadMemory` resets it): creating one costs as much as parsing a
    /// feed item's description.
    private final class Parser: @unchecked Sendable {
        // @unchecked: a context is used by one thread at a time; the pool hands
        // each one to a single taker and takes it back after the parse.
        let context: htmlParserCtxtPtr

        private init?() {
            HTMLText.initialize
            guard let context = htmlNewParserCtxt() else { return nil }
            self.context = context
            // Copied into the context's own handler: libxml2 frees that one with the context.
            context.pointee.sax.pointee = HTMLText.makeHandler()
        }

        deinit { htmlFreeParserCtxt(context) }

        private static let idle = Mutex<[Parser]>([])

        static func take() -> Parser {
            if let parser = idle.withLock({ $0.popLast() }) { return parser }
            guard let parser = Parser() else { fatalError("libxml2 could not allocate an HTML parser context") }
            return parser
        }

        static func give(_ parser: Parser) {
            idle.withLock { if $0.count < 16 { $0.append(parser) } }
        }
    }

    /// The callbacks, copied into each new context (a struct of C function
    /// pointers made afresh: a static one would be shared mutable state).
    private static func makeHandler() -> htmlSAXHandler {
        var sax = htmlSAXHandler()
        sax.startElement = { ctx, name, attributes in
            guard let name, let builder = Builder.of(ctx) else { return }
            builder.start(Builder.lowercased(name), attributes: attributes)
        }
        sax.endElement = { ctx, name in
            guard let name, let builder = Builder.of(ctx) else { return }
            builder.end(Builder.lowercased(name))
        }
        sax.characters = { ctx, text, length in
            guard let text, let builder = Builder.of(ctx) else { return }
            builder.append(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        // Script and style content arrives as CDATA; it is dropped with its element.
        sax.cdataBlock = { _, _, _ in }
        sax.serror = { _, _ in }
        return sax
    }

    /// A tag left open at the very end ("unclosed <b tag and more") is text
    /// to a reader; libxml2 would drop it as an unfinished start tag.
    static func closingTrailingTag(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var document = Array(bytes)
        if let open = document.lastIndex(of: UInt8(ascii: "<")), !document[open...].contains(UInt8(ascii: ">")) {
            document.replaceSubrange(open...open, with: Array("&lt;".utf8))
        }
        return document
    }

    private static let initialize: Void = { xmlInitParser() }()

    /// Collects the visible text as the parser reports it.
    private final class Builder {
        static let blocks: Set<String> = [
            "div", "br", "tr", "li", "ul", "ol", "hr", "section", "article", "header", "footer", "dd", "dt", "dl",
            "address", "center", "form", "title",
        ]
        /// Elements after which an empty line follows.
        static let paragraphs: Set<String> = ["p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre"]
        static let dropped: Set<String> = ["script", "style", "head", "noscript", "template", "xml"]

        private var out: [UInt8] = []
        private var pendingSpace = false
        /// Line breaks owed before the next visible character: 1 after a block,
        /// 2 (an empty line) after a paragraph; at most 2.
        private var pendingBreaks = 0
        private var dropDepth = 0

        var text: String { String(decoding: out, as: UTF8.self) }

        /// The builder of the parse in progress: the SAX callbacks get the
        /// parser context, whose `_private` holds it.
        static func of(_ ctx: UnsafeMutableRawPointer?) -> Builder? {
            guard let context = ctx?.assumingMemoryBound(to: xmlParserCtxt.self), let builder = context.pointee._private else { return nil }
            return Unmanaged<Builder>.fromOpaque(builder).takeUnretainedValue()
        }

        static func lowercased(_ name: UnsafePointer<xmlChar>) -> String {
            String(decoding: UnsafeBufferPointer(start: name, count: Int(xmlStrlen(name))).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 },
                   as: UTF8.self)
        }

        func start(_ name: String, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
            if Self.dropped.contains(name) { dropDepth += 1; return }
            guard dropDepth == 0 else { return }
            brake(name)
            if name == "td" || name == "th" {
                pendingSpace = true
            } else if name == "img", let alt = Self.attribute("alt", in: attributes), !alt.isEmpty {
                emit(Array("[\(alt)]".utf8))
            }
        }

        func end(_ name: String) {
            if Self.dropped.contains(name) { dropDepth = max(0, dropDepth - 1); return }
            guard dropDepth == 0, name != "br" else { return }
            brake(name)
        }

        private func brake(_ name: String) {
            if name == "br" {
                pendingBreaks = min(pendingBreaks + 1, 2)
            } else if Self.paragraphs.contains(name) {
                pendingBreaks = 2
            } else if Self.blocks.contains(name) {
                pendingBreaks = max(pendingBreaks, 1)
            }
        }

        func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard dropDepth == 0 else { return }
            var i = 0
            var runStart = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C {
                    emit(bytes[runStart..<i])
                    pendingSpace = true
                    i += 1
                    runStart = i
                } else if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 {
                    // A non-breaking space is a space that does not collapse.
                    emit(bytes[runStart..<i])
                    emit([0x20])
                    i += 2
                    runStart = i
                } else {
                    i += 1
                }
            }
            emit(bytes[runStart..<i])
        }

        private func emit(_ visible: some Collection<UInt8>) {
            guard !visible.isEmpty else { return }
            if !out.isEmpty, pendingBreaks > 0 {
                out.append(contentsOf: repeatElement(0x0A, count: min(pendingBreaks, 2)))
            } else if pendingSpace, !out.isEmpty {
                out.append(0x20)
            }
            pendingBreaks = 0
            pendingSpace = false
            out.append(contentsOf: visible)
        }

        static func attribute(_ name: String, in attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> String? {
            guard var pair = attributes else { return nil }
            while let key = pair[0] {
                if lowercased(key) == name { return pair[1].map { String(cString: $0) } }
                pair += 2
            }
            return nil
        }
    }
}
