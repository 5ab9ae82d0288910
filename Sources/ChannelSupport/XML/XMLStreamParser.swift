import GatewayCore
import CLibXML2

/// What `XMLStreamParser` reports, as libxml2's SAX2 parser reads.
///
/// Names and namespace URIs arrive as Strings made once per distinct name
/// (libxml2 interns them); text arrives as bytes, in as many pieces as the
/// parser likes, so a handler collects only what it keeps.
public protocol XMLStreamHandler: AnyObject {
    func startElement(_ name: String, namespace: String, attributes: XMLAttributes)
    func endElement(_ name: String, namespace: String)
    /// Character data and CDATA sections alike.
    func characters(_ text: UnsafeBufferPointer<UInt8>)
}

/// One element's attributes, read lazily from libxml2's buffer: valid only
/// during `startElement`.
public struct XMLAttributes {
    fileprivate let raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    public let count: Int

    /// The value of the attribute `name` with no namespace, or in the `xml:`
    /// namespace when `xml` is set (`xml:base`).
    public subscript(_ name: String, xml xml: Bool = false) -> String? {
        guard let raw else { return nil }
        for i in 0..<count {
            let base = raw + i * 5  // localname, prefix, URI, value, end
            guard let local = base[0], let value = base[3], let end = base[4] else { continue }
            let hasNamespace = base[2] != nil
            guard hasNamespace == xml, Self.equals(local, name) else { continue }
            return String(decoding: UnsafeBufferPointer(start: value, count: end - value), as: UTF8.self)
        }
        return nil
    }

    private static func equals(_ cString: UnsafePointer<xmlChar>, _ name: String) -> Bool {
        var i = 0
        for byte in name.utf8 {
            if cString[i] != byte { return false }
            i += 1
        }
        return cString[i] == 0
    }
}

/// libxml2's SAX2 parser driven directly (not through FoundationXML): one
/// pass over the bytes, no tree, no global state, so documents parse in
/// parallel. Safe by construction:
/// - nothing is loaded from the network or the disk (`XML_PARSE_NONET`, no
///   DTD loading) and entities are never substituted;
/// - a document that declares any entity (billion laughs, external entities)
///   is stopped at the declaration, before its root element: `declaredEntity`
///   names it, as libxml2 itself read it, in any encoding and at any position;
/// - libxml2's messages are not printed; parsing recovers from errors where
///   it can, and the last error is returned.
public enum XMLStreamParser {
    public struct Outcome: Sendable {
        /// The first entity the document declares (or `unreadableSubset`);
        /// nothing after the declaration was reported.
        public var declaredEntity: String?
        /// The error that stopped the parser, nil when the document was read to its end.
        public var error: String?
        public var line: Int
        public var column: Int
        /// Elements still open when the input ended.
        public var openElements: Int
    }

    /// What `declaredEntity` says of a DTD internal subset libxml2 could not read to its end.
    public static let unreadableSubset = "(an internal DTD subset that cannot be read)"

    public static func parse(_ bytes: UnsafeRawBufferPointer, handler: some XMLStreamHandler) -> Outcome {
        initialize
        let state = State(handler: handler)
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = { ctx, local, _, uri, _, _, count, _, attributes in
            let s = State.of(ctx)
            s.depth += 1
            s.handler.startElement(s.name(local), namespace: s.name(uri), attributes: XMLAttributes(raw: attributes, count: Int(count)))
        }
        sax.endElementNs = { ctx, local, _, uri in
            let s = State.of(ctx)
            s.depth -= 1
            s.handler.endElement(s.name(local), namespace: s.name(uri))
        }
        sax.characters = { ctx, text, length in
            guard let text else { return }
            State.of(ctx).handler.characters(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        sax.cdataBlock = sax.characters
        sax.entityDecl = { ctx, name, _, _, _, _ in State.declared(ctx, name) }
        sax.unparsedEntityDecl = { ctx, name, _, _, _ in State.declared(ctx, name) }
        sax.serror = { _, _ in }
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        // The first four bytes go with the context: libxml2 detects the
        // encoding (a UTF-16 byte order, EBCDIC) from them.
        let head = Int32(min(4, bytes.count))
        guard let context = xmlCreatePushParserCtxt(&sax, nil, base, head, nil) else {
            return Outcome(declaredEntity: nil, error: "libxml2 could not start a parser", line: 1, column: 1, openElements: 0)
        }
        defer { xmlFreeParserCtxt(context) }
        // Recovering (as FoundationXML and browsers do) reads past a stray end
        // tag or an illegal control character; the first error is still
        // returned, and the caller decides what it costs.
        _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                                             | XML_PARSE_RECOVER.rawValue))
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        context.pointee._private = unmanaged.toOpaque()
        context.pointee.userData = UnsafeMutableRawPointer(context)
        var offset = Int(head)
        repeat {
            // In pieces: a stop (an entity declaration) skips the rest of a large document.
            let size = min(bytes.count - offset, 1 << 20)
            let last = offset + size >= bytes.count
            let status = xmlParseChunk(context, base.map { $0 + offset }, Int32(size), last ? 1 : 0)
            offset += size
            if status != 0 || context.pointee.disableSAX != 0 || last { break }
        } while true
        if state.declaredEntity == nil, context.pointee.inSubset != 0 { state.declaredEntity = unreadableSubset }
        var error: String? = nil
        if state.declaredEntity == nil, context.pointee.wellFormed == 0, let last = xmlCtxtGetLastError(context) {
            error = last.pointee.message.map { String(cString: $0).trimmingASCIISpace } ?? "libxml2 error \(last.pointee.code)"
            return Outcome(declaredEntity: nil, error: error, line: Int(last.pointee.line), column: Int(last.pointee.int2),
                           openElements: state.depth)
        }
        return Outcome(declaredEntity: state.declaredEntity, error: error, line: Int(xmlSAX2GetLineNumber(context)),
                       column: Int(xmlSAX2GetColumnNumber(context)), openElements: state.depth)
    }

    /// `xmlInitParser` once per process, before any thread parses.
    private static let initialize: Void = { xmlInitParser() }()

    /// The parse in progress, reached from libxml2's callbacks through the
    /// context's `_private` pointer.
    private final class State {
        let handler: any XMLStreamHandler
        var depth = 0
        var declaredEntity: String?
        /// libxml2 interns names in its dictionary: one String per pointer.
        private var names: [UnsafePointer<xmlChar>: String] = [:]

        init(handler: any XMLStreamHandler) { self.handler = handler }

        func name(_ pointer: UnsafePointer<xmlChar>?) -> String {
            guard let pointer else { return "" }
            if let known = names[pointer] { return known }
            let made = String(cString: pointer)
            names[pointer] = made
            return made
        }

        static func of(_ ctx: UnsafeMutableRawPointer?) -> State {
            let context = ctx!.assumingMemoryBound(to: xmlParserCtxt.self)
            return Unmanaged<State>.fromOpaque(context.pointee._private).takeUnretainedValue()
        }

        static func declared(_ ctx: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?) {
            let state = of(ctx)
            if state.declaredEntity == nil { state.declaredEntity = name.map { String(cString: $0) } ?? "" }
            xmlStopParser(ctx!.assumingMemoryBound(to: xmlParserCtxt.self))
        }
    }
}

extension String {
    fileprivate var trimmingASCIISpace: String {
        var s = Substring(self)
        while let c = s.last, c == " " || c == "\n" || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
