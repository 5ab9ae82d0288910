import ChannelSupport
import GatewayCore

/// One entity of a parsed message: the message itself, a part of a
/// multipart, or a message embedded as `message/rfc822`.
///
/// The body stays transfer-encoded (`rawBody`) until `decodedBody()` is asked
/// for, so walking a message with large attachments copies nothing.
public struct MIMEPart: Sendable {
    /// What the entity holds.
    public enum Kind: Sendable, Equatable {
        /// A body of bytes (text, an attachment).
        case leaf
        /// `multipart/*`: `children` are its parts, in order.
        case multipart
        /// `message/rfc822` (or `message/global`): `children` holds the one embedded message.
        case message
    }

    public var headers: MailHeaders
    public var kind: Kind
    /// `type/subtype`, lower-cased; `text/plain` when absent or unreadable.
    public var contentType: String
    /// Content-Type parameters (RFC 2231 continuations and charsets applied), keys lower-cased.
    public var contentTypeParameters: [String: String]
    /// Content-Transfer-Encoding, lower-cased and trimmed; `7bit` when absent.
    public var transferEncoding: String
    /// The body as it is in the message (for a multipart: between its header and its end).
    public var rawBody: ArraySlice<UInt8>
    public var children: [MIMEPart]
    /// What was wrong and how it was read anyway.
    public var warnings: [String]

    public init(headers: MailHeaders, kind: Kind, contentType: String, contentTypeParameters: [String: String],
                transferEncoding: String, rawBody: ArraySlice<UInt8>, children: [MIMEPart] = [], warnings: [String] = []) {
        self.headers = headers
        self.kind = kind
        self.contentType = contentType
        self.contentTypeParameters = contentTypeParameters
        self.transferEncoding = transferEncoding
        self.rawBody = rawBody
        self.children = children
        self.warnings = warnings
    }

    /// The body with its transfer encoding undone (base64, quoted-printable;
    /// 7bit, 8bit, binary and unknown encodings as they are).
    public func decodedBody() -> [UInt8] {
        switch transferEncoding {
        case "base64": Base64Lenient.decode(rawBody)
        case "quoted-printable": QuotedPrintable.decode(rawBody)
        case "x-uuencode", "uuencode", "x-uue": UUDecoder.decode(rawBody) ?? Array(rawBody)
        default: Array(rawBody)
        }
    }

    /// The `charset` parameter, when present.
    public var charsetLabel: String? { contentTypeParameters["charset"] }

    /// The attachment's file name: Content-Disposition `filename`, else Content-Type `name`.
    public func filename(fallback: Charset) -> String? {
        var ignored: [String] = []
        if let disposition = headers["Content-Disposition"] {
            let parsed = HeaderParameters(parsing: Self.headerText(disposition.value, fallback: fallback, warnings: &ignored),
                                          fallbackCharset: fallback)
            if let name = parsed.parameters["filename"], !name.isEmpty { return Self.decodeWords(name, fallback: fallback) }
        }
        if let name = contentTypeParameters["name"], !name.isEmpty { return Self.decodeWords(name, fallback: fallback) }
        return nil
    }

    /// `attachment` or `inline` from Content-Disposition, lower-cased.
    public var disposition: String? {
        guard let field = headers["Content-Disposition"] else { return nil }
        return HeaderParameters(parsing: field.asciiValue).value.lowercased()
    }

    /// Every entity of the tree, depth first (self included).
    public func walk(_ body: (MIMEPart) throws -> Void) rethrows {
        try body(self)
        for child in children { try child.walk(body) }
    }

    /// Raw 8-bit header bytes as text (names in parameters are often raw GBK).
    static func headerText(_ bytes: [UInt8], fallback: Charset, warnings: inout [String]) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return HeaderParameters.decode(bytes, charset: nil, fallback: fallback)
    }

    /// Mailers put RFC 2047 words inside quoted parameters (`name="=?GB2312?B?...?="`);
    /// not allowed, but universal.
    static func decodeWords(_ text: String, fallback: Charset) -> String {
        guard text.contains("=?") else { return text }
        return EncodedWords.decode(text, fallback: fallback).text
    }
}
