import Foundation
import ChannelSupport
import GatewayCore

/// Splits a `multipart/form-data` body (RFC 7578) into its parts.
///
/// Reads what browsers, curl and RFC 7578 readers send, which is more than the
/// grammar: a preamble before the first boundary, LF-only line breaks, a final
/// boundary without its trailing `--` at the end of the body, white space
/// after a boundary, folded part headers, nested `multipart/mixed` parts
/// (RFC 2388's several files in one field), per-part base64 and
/// quoted-printable transfer encodings. What cannot be read is refused part by
/// part, never the whole body: a part without `Content-Disposition`, with a
/// header line that is not a header, or cut off by the body's end is dropped
/// and said in `Decoded.warnings` (which reach the complaint's warnings), and
/// the customer's other fields are kept. Only a body with no boundary at all,
/// or more parts than `maxParts`, is refused whole.
///
/// vapor/multipart-kit 4.7.1 was considered instead: its parser requires CRLF
/// (a bare LF is a syntax error) and stops at the first bad byte, so it would
/// lose the bodies this reader is written to keep.
public struct MultipartFormDecoder: Sendable {
    /// One part as found in the body.
    public struct Part: Sendable, Equatable {
        /// Header fields by lower-cased name.
        public var headers: [String: String]
        public var name: String
        /// The file name as sent, reduced to its last path component.
        public var filename: String?
        /// The part's Content-Type, if it had one.
        public var contentType: String?
        /// The data, transfer decoding applied.
        public var data: [UInt8]
    }

    /// The parts read, and what was dropped or renamed, for the complaint's warnings.
    public struct Decoded: Sendable, Equatable {
        public var parts: [Part]
        public var warnings: [String]
    }

    /// Why the body is not multipart at all, and the byte offset where that became clear.
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
    /// How deep `multipart/mixed` parts may nest.
    static let maxDepth = 2

    public init(boundary: String, headerCharset: Charset = .utf8, maxParts: Int = 1000) {
        self.boundary = Array(boundary.utf8)
        self.headerCharset = headerCharset
        self.maxParts = maxParts
    }

    public func decode(_ body: [UInt8]) throws(DecodingError) -> Decoded {
        var out = Decoded(parts: [], warnings: [])
        try decode(body, into: &out, fieldName: nil, depth: 0)
        // Nothing readable at all is refused whole: there is no complaint to keep.
        if out.parts.isEmpty, let first = out.warnings.first {
            throw DecodingError(offset: 0, reason: first)
        }
        if out.parts.isEmpty, let start = Self.boundaryLine([UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary, in: body, from: 0),
           body[..<start].contains(where: { $0 != 0x0D && $0 != 0x0A && $0 != 0x20 && $0 != 0x09 }) {
            throw DecodingError(offset: 0, reason: "the body does not start with the boundary declared in Content-Type, and holds no part")
        }
        return out
    }

    private func decode(_ body: [UInt8], into out: inout Decoded, fieldName: String?, depth: Int) throws(DecodingError) {
        let dashBoundary = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        // The first boundary starts the body or a line; what comes before is a preamble.
        guard var i = Self.boundaryLine(dashBoundary, in: body, from: 0) else {
            throw DecodingError(offset: 0, reason: "no boundary \"--\(String(decoding: boundary, as: UTF8.self))\" in the body (the one Content-Type declares)")
        }
        i += dashBoundary.count
        var index = 0
        while true {
            // After a boundary: "--" closes the body; padding, then a line break, starts a part.
            if i + 1 < body.count, body[i] == UInt8(ascii: "-"), body[i + 1] == UInt8(ascii: "-") { return }
            while i < body.count, body[i] == 0x20 || body[i] == 0x09 { i += 1 }
            // A final boundary without "--" at the very end: curl's and some proxies' bodies.
            if i >= body.count { return }
            if body[i] == 0x0D { i += 1 }
            guard i < body.count, body[i] == 0x0A else {
                // Text that only starts like the boundary: look for the real one.
                guard let next = Self.boundaryLine(dashBoundary, in: body, from: i) else { return }
                i = next + dashBoundary.count
                continue
            }
            i += 1
            // `--b` CRLF and then nothing: a final boundary that lost its "--".
            if body[i...].allSatisfy({ $0 == 0x0D || $0 == 0x0A || $0 == 0x20 || $0 == 0x09 }) { return }
            index += 1
            guard out.parts.count < maxParts else { throw DecodingError(offset: i, reason: "more than \(maxParts) parts") }
            let start = i
            var problem: String? = nil
            let headers = readHeaders(body, from: &i, problem: &problem)
            // The part's data runs to the line break before the next boundary line.
            guard let next = Self.boundaryLine(dashBoundary, in: body, from: i) else {
                out.warnings.append("form part \(index) (byte \(start)) dropped: the body ends before its closing boundary (a truncated upload?)")
                return
            }
            var end = next
            if end > i, body[end - 1] == 0x0A { end -= 1 }
            if end > i, body[end - 1] == 0x0D { end -= 1 }
            if let problem {
                out.warnings.append("form part \(index) (byte \(start)) dropped: \(problem)")
            } else {
                if let dropped = appendPart(headers: headers, data: body[min(i, end)..<end], index: index, fieldName: fieldName,
                                            depth: depth, into: &out) {
                    out.warnings.append("form part \(index) (byte \(start)) dropped: \(dropped)")
                }
            }
            i = next + dashBoundary.count
        }
    }

    /// Header lines up to the blank line, CRLF or LF; a line starting with
    /// white space continues the one before (folding). A line that is not a
    /// header makes `problem` say so (the part is dropped, the body read on).
    private func readHeaders(_ body: [UInt8], from i: inout Int, problem: inout String?) -> [String: String] {
        var headers: [String: String] = [:]
        var last: String? = nil
        while i < body.count {
            var lineEnd = i
            while lineEnd < body.count, body[lineEnd] != 0x0A { lineEnd += 1 }
            var line = body[i..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            i = min(lineEnd + 1, body.count)
            if line.isEmpty { return headers }
            if line.contains(0x0D) {
                // A bare CR inside a header line: no sender writes one, and a header
                // split there could smuggle another (python-multipart refuses it too).
                problem = problem ?? "a CR inside a header line"
                last = nil
                continue
            }
            if let first = line.first, first == 0x20 || first == 0x09, let name = last {
                headers[name, default: ""] += " " + decodeValue(line).trimmingWhiteSpace
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(Self.isTokenByte) else {
                problem = problem ?? "a header line that is not \"Name: value\" (\(String(decoding: line.prefix(60), as: UTF8.self)))"
                last = nil
                continue
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = decodeValue(line[(colon + 1)...]).trimmingWhiteSpace
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
            last = name
        }
        problem = problem ?? "the body ends inside the part's headers"
        return headers
    }

    private func decodeValue(_ bytes: ArraySlice<UInt8>) -> String {
        HeaderParameters.decode(Array(bytes), charset: nil, fallback: headerCharset)
    }

    /// Adds the part (or, for `multipart/mixed`, its files); returns why it was dropped instead.
    private func appendPart(headers: [String: String], data: ArraySlice<UInt8>, index: Int, fieldName: String?,
                            depth: Int, into out: inout Decoded) -> String? {
        guard let disposition = headers["content-disposition"], !disposition.isEmpty else {
            return "no Content-Disposition, so no field name"
        }
        let parsed = HeaderParameters(parsing: disposition, fallbackCharset: headerCharset)
        var name = fieldName ?? parsed["name"] ?? ""
        if name.isEmpty {
            name = "unnamed_\(index)"
            out.warnings.append("form part \(index) has no field name; kept as \(name)")
        }
        var bytes = Array(data)
        switch headers["content-transfer-encoding"]?.lowercased() {
        case "base64":
            guard let decoded = Data(base64Encoded: Data(bytes), options: .ignoreUnknownCharacters) else {
                return "field \"\(name)\" is not valid base64"
            }
            bytes = Array(decoded)
        case "quoted-printable":
            bytes = QuotedPrintable.decode(bytes)
        default:
            break
        }
        let type = headers["content-type"].map { HeaderParameters(parsing: $0) }
        if let type, type.value == "multipart/mixed", let inner = type["boundary"], !inner.isEmpty, depth < Self.maxDepth {
            // RFC 2388: several files of one field, each a part of its own.
            let nested = MultipartFormDecoder(boundary: inner, headerCharset: headerCharset, maxParts: maxParts - out.parts.count)
            do {
                try nested.decode(bytes, into: &out, fieldName: name, depth: depth + 1)
            } catch {
                return "field \"\(name)\": its multipart/mixed files: \(error.reason)"
            }
            return nil
        }
        let filename = (parsed["filename"] ?? (fieldName != nil ? "" : nil)).flatMap(Self.safeFilename)
        out.parts.append(Part(headers: headers, name: name, filename: filename, contentType: headers["content-type"], data: bytes))
        return nil
    }

    /// A file name as a browser meant it, never a path: WHATWG's `%22`, `%0D`,
    /// `%0A` escapes undone, only the last component of `C:\Users\…\photo.jpg`
    /// or `../../x` kept, `.` and `..` refused. Empty stays empty (a file field
    /// sent with no file chosen).
    static func safeFilename(_ raw: String) -> String? {
        var name = raw.replacingOccurrences(of: "%22", with: "\"").replacingOccurrences(of: "%0D", with: "\r")
            .replacingOccurrences(of: "%0A", with: "\n")
        if let cut = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) { name = String(name[name.index(after: cut)...]) }
        if name == "." || name == ".." { name = "" }
        return name
    }

    /// The offset of `dashBoundary` where it starts the body or a line, at or after `start`.
    static func boundaryLine(_ dashBoundary: [UInt8], in body: [UInt8], from start: Int) -> Int? {
        var from = start
        while let hit = find(dashBoundary, in: body, from: from) {
            if hit == 0 || body[hit - 1] == 0x0A {
                // Followed by "--", white space, LF, CRLF or the end: else it is data
                // (python-multipart's almost_match_boundary cases).
                let after = hit + dashBoundary.count
                if after >= body.count { return hit }
                switch body[after] {
                case 0x20, 0x09, 0x0A: return hit
                case 0x0D where after + 1 >= body.count || body[after + 1] == 0x0A: return hit
                case UInt8(ascii: "-") where after + 1 >= body.count || body[after + 1] == UInt8(ascii: "-"): return hit
                default: break
                }
            }
            from = hit + 1
        }
        return nil
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
