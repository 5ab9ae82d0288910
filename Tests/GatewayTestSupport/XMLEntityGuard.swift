import GatewayCore
import CLibXML2
import Foundation

/// Finds entity declarations in an XML document the way libxml2 itself reads
/// it: whatever the encoding (UTF-16, a label in the XML declaration), however
/// far into the document the DTD comes (after a long comment), internal or
/// parameter entities alike.
///
/// A test oracle, not on the production path: the feed reader refuses
/// declarations inside its own parsing pass (`XMLStreamParser`), and the
/// fuzz test checks with this independent reading that no document that
/// declares one ever yields a complaint.
///
/// Only the prolog is parsed: the parser stops at the root element's start
/// tag, because a DTD cannot come after it. Nothing is loaded from the
/// network or the disk (`XML_PARSE_NONET`, no DTD loading), and libxml2's
/// error messages are not printed.
public enum XMLEntityGuard {
    /// The name of the first entity `document` declares (or `unreadableSubset`),
    /// or nil if it declares none.
    public static func firstDeclaredEntity(in document: Data) -> String? {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.entityDecl = { context, name, _, _, _, _ in XMLEntityGuard.found(context, name) }
        handler.unparsedEntityDecl = { context, name, _, _, _ in XMLEntityGuard.found(context, name) }
        handler.startElementNs = { context, _, _, _, _, _, _, _, _ in
            // The prolog is over: no declaration can follow.
            guard let context else { return }
            xmlStopParser(context.assumingMemoryBound(to: xmlParserCtxt.self))
        }
        handler.serror = { _, _ in }  // parse errors are the feed reader's to report
        var declared: String? = nil
        withUnsafeMutablePointer(to: &declared) { result in
            document.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                // The first four bytes go with the context: libxml2 detects the
                // encoding (a UTF-16 byte order, EBCDIC) from them.
                let head = Int32(min(4, bytes.count))
                guard let context = xmlCreatePushParserCtxt(&handler, nil, base, head, nil) else { return }
                defer { xmlFreeParserCtxt(context) }
                _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
                context.pointee._private = UnsafeMutableRawPointer(result)
                let rest = bytes.count - Int(head)
                var offset = Int(head)
                // In pieces, so a stop at the root element skips the rest of a large document.
                repeat {
                    let size = min(rest - (offset - Int(head)), 64 * 1024)
                    let last = offset + size >= bytes.count
                    let status = xmlParseChunk(context, base.map { $0 + offset }, Int32(size), last ? 1 : 0)
                    offset += size
                    if status != 0 || context.pointee.disableSAX != 0 || last { break }
                } while true
                // Stopped inside a DOCTYPE's internal subset (`[...]`), by an error
                // or the end: what it declares cannot be known, so it counts as a
                // declaration. A malformed DTD must not slip past the guard.
                if result.pointee == nil, context.pointee.inSubset != 0 {
                    result.pointee = Self.unreadableSubset
                }
            }
        }
        return declared
    }

    /// What `firstDeclaredEntity` returns for a DTD internal subset libxml2
    /// could not read to its end.
    public static let unreadableSubset = "(an internal DTD subset that cannot be read)"

    /// Records the first declaration and stops the parser.
    private static func found(_ context: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?) {
        guard let context else { return }
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        let result = parser.pointee._private.assumingMemoryBound(to: String?.self)
        if result.pointee == nil { result.pointee = name.map { String(cString: $0) } ?? "" }
        xmlStopParser(parser)
    }
}
