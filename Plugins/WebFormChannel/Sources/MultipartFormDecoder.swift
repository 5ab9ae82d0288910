import Foundation
import ChannelSupport
import GatewayCore

/// Splits a `multipart/form-data` body (RFC 7578) into its parts.
///
/// Strict where a lenient reading would guess (a header line without a colon,
/// a bad header character, a CR not followed by LF, a body that does not start
/// with the boundary or never closes), because a guessed form field becomes a
/// wrong complaint. Lenient where clients really differ: blank lines before the
/// first boundary, an epilogue after the last, text that almost matches the
/// boundary (it is data), header names in any case, per-part base64 and
/// quoted-printable transfer encodings. Behaviour follows python-multipart's
/// conformance cases, which the tests run.
public struct MultipartFormDecoder: Sendable {
    /// One part as found in the body.
    public struct Part: Sendable, Equatable {
        /// Header fields by lower-cased name.
        public var headers: [String: String]
        public var name: String
        public var filename: String?
        /// The part's Content-Type, if it had one.
        public var contentType: String?
        /// The data, transfer decoding applied.
        public var data: [UInt8]
    }

    /// Why the body is not valid multipart, and the byte offset where that became clear.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "multipart body, byte \(offset): \(reason)" }
    }

    public var boundary: [UInt8]
    /// How to decode header bytes that are not UTF-8 (legacy GBK file names).
    public var headerCharset: Charset
    /// Parts beyond this many are refused (a flood of tiny parts is an attack).
    public var maxParts: Int

    public init(boundary: String, headerCharset: Charset = .utf8, maxParts: Int = 1000) {
        self.boundary = Array(boundary.utf8)
        self.headerCharset = headerCharset
        self.maxParts = maxParts
    }

    public func decode(_ body: [UInt8]) throws(DecodingError) -> [Part] {
        var parts: [Part] = []
        var i = 0
        // Blank lines before the first boundary happen (python-multipart accepts them).
        while i < body.count, body[i] == 0x0D || body[i] == 0x0A { i += 1 }
        let opening = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        for (k, b) in opening.enumerated() {
            guard i + k < body.count else {
                throw DecodingError(offset: body.count, reason: "the body ends before the first boundary")
            }
            guard body[i + k] == b else {
                throw DecodingError(offset: i + k, reason: "the body does not start with the boundary declared in Content-Type")
            }
        }
        i += opening.count
        let delimiter = [0x0D, 0x0A] + opening
        while true {
            // After a boundary: "--" closes the body, CRLF starts a part.
            guard i + 1 < body.count else { throw DecodingError(offset: body.count, reason: "the body ends right after a boundary") }
            if body[i] == UInt8(ascii: "-") {
                guard body[i + 1] == UInt8(ascii: "-") else { throw DecodingError(offset: i + 1, reason: "expected \"--\" or a line break after the boundary") }
                return parts  // the epilogue, if any, is ignored
            }
            guard body[i] == 0x0D else { throw DecodingError(offset: i, reason: "expected a line break after the boundary") }
            guard body[i + 1] == 0x0A else { throw DecodingError(offset: i + 1, reason: "CR not followed by LF after the boundary") }
            i += 2
            guard parts.count < maxParts else { throw DecodingError(offset: i, reason: "more than \(maxParts) parts") }
            let headers = try readHeaders(body, from: &i)
            // The part's data runs to the next CRLF--boundary followed by "--" or CRLF;
            // anything else that starts like the boundary is data.
            var end = i
            var found = false
            while let hit = Self.find(delimiter, in: body, from: end) {
                let after = hit + delimiter.count
                if after + 1 < body.count,
                   (body[after] == UInt8(ascii: "-") && body[after + 1] == UInt8(ascii: "-")) || (body[after] == 0x0D && body[after + 1] == 0x0A) {
                    end = hit
                    found = true
                    break
                }
                end = hit + 1
            }
            guard found else { throw DecodingError(offset: body.count, reason: "the body ends before the closing boundary (truncated upload?)") }
            parts.append(try makePart(headers: headers, data: body[i..<end], offset: i))
            i = end + delimiter.count
        }
    }

    private func readHeaders(_ body: [UInt8], from i: inout Int) throws(DecodingError) -> [String: String] {
        var headers: [String: String] = [:]
        while true {
            guard i < body.count else { throw DecodingError(offset: i, reason: "the body ends inside a part's headers") }
            if body[i] == 0x0D {
                guard i + 1 < body.count, body[i + 1] == 0x0A else { throw DecodingError(offset: i + 1, reason: "CR not followed by LF after a part's headers") }
                i += 2
                return headers
            }
            // name ":" value CRLF
            let nameStart = i
            while i < body.count, body[i] != UInt8(ascii: ":") {
                if body[i] == 0x0D || body[i] == 0x0A {
                    throw DecodingError(offset: i, reason: "a part header line without a colon")
                }
                guard Self.isTokenByte(body[i]) else { throw DecodingError(offset: i, reason: "a character not allowed in a header name") }
                i += 1
            }
            guard i < body.count else { throw DecodingError(offset: i, reason: "the body ends inside a part's headers") }
            guard i > nameStart else { throw DecodingError(offset: i, reason: "a part header with an empty name") }
            let name = String(decoding: body[nameStart..<i], as: UTF8.self).lowercased()
            i += 1
            let valueStart = i
            while i < body.count, body[i] != 0x0D {
                if body[i] == 0x0A { throw DecodingError(offset: i, reason: "LF without CR in a part header") }
                i += 1
            }
            guard i + 1 < body.count else { throw DecodingError(offset: body.count, reason: "the body ends inside a part's headers") }
            guard body[i + 1] == 0x0A else { throw DecodingError(offset: i + 1, reason: "CR not followed by LF in a part header") }
            let value = HeaderParameters.decode(Array(body[valueStart..<i]), charset: nil, fallback: headerCharset)
                .trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
            i += 2
        }
    }

    private func makePart(headers: [String: String], data: ArraySlice<UInt8>, offset: Int) throws(DecodingError) -> Part {
        guard let disposition = headers["content-disposition"] else {
            throw DecodingError(offset: offset, reason: "a part without Content-Disposition")
        }
        let parsed = HeaderParameters(parsing: disposition, fallbackCharset: headerCharset)
        guard let name = parsed["name"] else {
            throw DecodingError(offset: offset, reason: "a part whose Content-Disposition has no name")
        }
        var bytes = Array(data)
        switch headers["content-transfer-encoding"]?.lowercased() {
        case "base64":
            guard let decoded = Data(base64Encoded: Data(bytes), options: .ignoreUnknownCharacters) else {
                throw DecodingError(offset: offset, reason: "part \"\(name)\" is not valid base64")
            }
            bytes = Array(decoded)
        case "quoted-printable":
            bytes = QuotedPrintable.decode(bytes)
        default:
            break
        }
        return Part(headers: headers, name: name, filename: parsed["filename"], contentType: headers["content-type"], data: bytes)
    }

    /// RFC 7230 token characters.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    /// First index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count, haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
