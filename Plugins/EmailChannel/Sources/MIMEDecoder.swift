import GatewayCore

/// Parses an RFC 5322 message into a tree of `MIMEPart`s.
///
/// Tolerant the way mail needs: LF or CRLF line ends, folded and 8-bit
/// headers, a transfer encoding with trailing white space, a boundary
/// parameter missing or never closed, parts nested too deep. What it had to
/// guess is recorded in the parts' `warnings`; a header section over the
/// limit, or more parts than `maxParts`, makes it give up
/// (`MIMEDecoder.Failure`), because then the input is not mail anyone wrote:
/// millions of empty sibling parts would otherwise cost memory per part.
public struct MIMEDecoder: Sendable {
    /// What a message may hold before the decoder stops trusting it.
    public struct Limits: Sendable {
        /// Bytes of one header section (a message's or a part's).
        public var maxHeaderBytes = 1 << 20
        /// Multiparts and embedded messages nested deeper are kept as opaque leaves.
        public var maxDepth = 24
        /// Entities in one message, siblings and nested alike; a message with
        /// more is refused (and quarantined) before its parts are built.
        public var maxParts = 2_000

        public init() {}
    }

    /// The input cannot be read as a message.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses a whole message.
    public func decode(_ message: [UInt8]) throws -> MIMEPart {
        var parts = 0
        return try entity(message[...], defaultType: "text/plain", depth: 0, parts: &parts)
    }

    // MARK: - Entities

    private func entity(_ bytes: ArraySlice<UInt8>, defaultType: String, depth: Int, parts: inout Int) throws -> MIMEPart {
        parts += 1
        if parts > limits.maxParts {
            throw Failure(description: "more than \(limits.maxParts) MIME parts (siblings and nested together); not read as mail")
        }
        let (headers, bodyStart, headerWarnings) = try Self.headerSection(bytes, limit: limits.maxHeaderBytes)
        var warnings = headerWarnings
        var contentType = defaultType
        var parameters: [String: String] = [:]
        if let field = headers["Content-Type"] {
            let parsed = HeaderParameters(parsing: MIMEPart.headerText(field.value, fallback: .utf8, warnings: &warnings))
            let value = parsed.value.lowercased().filter { !$0.isWhitespace }
            if value.contains("/"), !value.hasPrefix("/"), !value.hasSuffix("/") {
                contentType = value
            } else if !value.isEmpty {
                warnings.append("Content-Type \"\(parsed.value)\" is not type/subtype; read as \(defaultType)")
            }
            parameters = Dictionary(parsed.parameters.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        var encoding = "7bit"
        if let field = headers["Content-Transfer-Encoding"] {
            // "base64 " with trailing white space, "Base64", "base64; comment" all occur.
            let value = field.asciiValue.lowercased().split(whereSeparator: { $0 == ";" || $0 == "(" }).first
                .map(\.asciiTrimmed) ?? ""
            switch value {
            case "7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode", "x-uue": encoding = value
            case "": break
            default: warnings.append("unknown Content-Transfer-Encoding \"\(value)\"; body read as it is")
            }
        }
        let body = bytes[bodyStart...]
        var part = MIMEPart(headers: headers, kind: .leaf, contentType: contentType, contentTypeParameters: parameters,
                            transferEncoding: encoding, rawBody: body, warnings: warnings)

        let tooDeep = depth >= limits.maxDepth || parts >= limits.maxParts
        if contentType.hasPrefix("multipart/") {
            if tooDeep {
                part.warnings.append("parts nested deeper than \(limits.maxDepth) levels or more than \(limits.maxParts) parts: kept unparsed")
                return part
            }
            try splitMultipart(&part, depth: depth, parts: &parts)
        } else if contentType == "message/rfc822" || contentType == "message/global" {
            if tooDeep {
                part.warnings.append("message nested deeper than \(limits.maxDepth) levels: kept unparsed")
                return part
            }
            // An embedded message is normally 7bit/8bit; base64 ones exist and are decoded first.
            let inner: ArraySlice<UInt8> = encoding == "base64" || encoding == "quoted-printable" ? part.decodedBody()[...] : body
            guard !inner.allSatisfy({ $0 == 0x0D || $0 == 0x0A || $0 == 0x20 || $0 == 0x09 }) else { return part }
            part.kind = .message
            part.children = [try entity(inner, defaultType: "text/plain", depth: depth + 1, parts: &parts)]
        }
        return part
    }

    private func splitMultipart(_ part: inout MIMEPart, depth: Int, parts: inout Int) throws {
        let body = part.rawBody
        var boundary = part.contentTypeParameters["boundary"].map { Array($0.utf8) } ?? []
        if boundary.isEmpty {
            guard let guessed = Self.guessBoundary(body) else {
                part.warnings.append("\(part.contentType) without a boundary parameter and none found in the body; read as text")
                part.contentType = "text/plain"
                return
            }
            part.warnings.append("\(part.contentType) without a boundary parameter; using \"\(String(decoding: guessed, as: UTF8.self))\" found in the body")
            boundary = guessed
        }
        // Counting stops one past the budget: the message is refused, whatever the
        // number of delimiters it really holds.
        let delimiters = Self.delimiters(of: boundary, in: body, limit: limits.maxParts - parts + 2)
        if delimiters.count > limits.maxParts - parts + 1 {
            throw Failure(description: "more than \(limits.maxParts) MIME parts (siblings and nested together); not read as mail")
        }
        guard let first = delimiters.first else {
            part.warnings.append("boundary \"\(String(decoding: boundary, as: UTF8.self))\" never occurs; \(part.contentType) read as text")
            part.contentType = "text/plain"
            return
        }
        let childType = part.contentType == "multipart/digest" ? "message/rfc822" : "text/plain"
        var children: [MIMEPart] = []
        var start = first.next
        var closed = first.isClose
        for delimiter in delimiters.dropFirst() where !closed {
            // Two delimiters in a row share a line break: an empty part.
            children.append(try entity(body[start..<max(start, delimiter.lineStart)], defaultType: childType, depth: depth + 1, parts: &parts))
            start = delimiter.next
            closed = delimiter.isClose
        }
        if !closed {
            part.warnings.append("\(part.contentType) has no closing boundary; its last part runs to the end")
            if start < body.endIndex || children.isEmpty {
                children.append(try entity(body[start...], defaultType: childType, depth: depth + 1, parts: &parts))
            }
        }
        part.kind = .multipart
        part.children = children
    }

    // MARK: - Header section

    /// Parses the header section at the start of `bytes`: fields with folding
    /// undone, and where the body starts (after the empty line).
    static func headerSection(_ bytes: ArraySlice<UInt8>, limit: Int) throws -> (MailHeaders, Int, [String]) {
        var fields: [MailHeaderField] = []
        var warnings: [String] = []
        var i = bytes.startIndex
        let end = bytes.endIndex
        var current: [UInt8]? = nil
        var currentName = ""
        func flush() {
            if var value = current {
                while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
                fields.append(MailHeaderField(name: currentName, value: value))
            }
            current = nil
        }
        // A body that starts right away (no header at all) is a part with defaults.
        while i < end {
            if i - bytes.startIndex > limit {
                throw Failure(description: "header section longer than \(limit) bytes")
            }
            var lineEnd = i
            while lineEnd < end, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < end ? lineEnd + 1 : end
            var contentEnd = lineEnd
            if contentEnd > i, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            if contentEnd == i {
                flush()
                return (MailHeaders(fields), next, warnings)
            }
            let first = bytes[i]
            if first == 0x20 || first == 0x09 {
                if current != nil {
                    current!.append(contentsOf: bytes[i..<contentEnd])
                } else if !fields.isEmpty || current != nil {
                    warnings.append("folded line without a field before it ignored")
                } else {
                    // White space before any field: not a header section.
                    return (MailHeaders(), bytes.startIndex, warnings)
                }
                i = next
                continue
            }
            if fields.isEmpty, current == nil, bytes[i..<contentEnd].starts(with: Self.fromLine) {
                i = next  // an mbox "From " line left at the top of a message
                continue
            }
            guard Self.fieldLine(bytes[i..<contentEnd]) != nil else {
                flush()
                if fields.isEmpty, current == nil {
                    // No header at all: the entity is all body (a part written without headers).
                    return (MailHeaders(), bytes.startIndex, warnings)
                }
                let excerpt = String(decoding: bytes[i..<min(contentEnd, i + 60)], as: UTF8.self)
                if Self.fieldFollows(bytes, after: next) {
                    // A stray line among header fields (mime4j and vmime read on, and so
                    // do we); its text is kept in the warning.
                    warnings.append("line in the header section is not a field, skipped: \"\(excerpt)\"")
                    i = next
                    continue
                }
                // No field after it: the empty line was forgotten and the body starts here.
                warnings.append("header section ends without an empty line at \"\(excerpt)\"")
                return (MailHeaders(fields), i, warnings)
            }
            let colon = Self.fieldLine(bytes[i..<contentEnd])!
            flush()
            var nameEnd = colon
            while nameEnd > i, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
            currentName = String(decoding: bytes[i..<nameEnd], as: UTF8.self)
            var valueStart = colon + 1
            while valueStart < contentEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
            current = Array(bytes[valueStart..<contentEnd])
            i = next
        }
        flush()
        return (MailHeaders(fields), end, warnings)
    }

    static let fromLine = Array("From ".utf8)

    /// The colon of a `Name: value` line, nil for other lines.
    static func fieldLine(_ line: ArraySlice<UInt8>) -> Int? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), isFieldName(line[line.startIndex..<colon]) else { return nil }
        return colon
    }

    /// Whether a field line comes before the next empty line (looking a few lines ahead).
    static func fieldFollows(_ bytes: ArraySlice<UInt8>, after start: Int) -> Bool {
        var i = start
        var lines = 0
        while i < bytes.endIndex, lines < 32 {
            var lineEnd = i
            while lineEnd < bytes.endIndex, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > i, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            if contentEnd == i { return false }
            if bytes[i] != 0x20, bytes[i] != 0x09, fieldLine(bytes[i..<contentEnd]) != nil { return true }
            i = lineEnd + 1
            lines += 1
        }
        return false
    }

    /// RFC 5322 field names: printable ASCII but colon, here also allowing a
    /// space before the colon ("Subject :"), which real mail has.
    static func isFieldName(_ name: ArraySlice<UInt8>) -> Bool {
        var sawSpace = false
        var any = false
        for b in name {
            if b == 0x20 || b == 0x09 { sawSpace = true; continue }
            // 8-bit bytes are not allowed in names, but occur; control characters never do.
            if sawSpace || b < 0x21 || b == 0x7F { return false }
            any = true
        }
        return any
    }

    // MARK: - Boundaries

    struct Delimiter {
        /// Start of the line break before the delimiter line (the part before ends there).
        var lineStart: Int
        /// First byte after the delimiter line.
        var next: Int
        var isClose: Bool
    }

    /// Delimiter lines (`--boundary`, `--boundary--`, optional trailing white
    /// space) in `body`, in order. Each is searched from line starts only, so a
    /// scan is linear in the body.
    static func delimiters(of boundary: [UInt8], in body: ArraySlice<UInt8>, limit: Int = .max) -> [Delimiter] {
        var found: [Delimiter] = []
        var i = body.startIndex
        let end = body.endIndex
        let n = boundary.count
        while i < end, found.count < limit {
            var lineEnd = i
            while lineEnd < end, body[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd - i >= n + 2, body[i] == 0x2D, body[i + 1] == 0x2D, body[(i + 2)..<(i + 2 + n)].elementsEqual(boundary) {
                var j = i + 2 + n
                var close = false
                if j + 2 <= lineEnd, body[j] == 0x2D, body[j + 1] == 0x2D {
                    close = true
                    j += 2
                }
                // After the boundary: the end of the line, "--", or white space and
                // anything (RFC 2046 asks for a prefix match; a longer boundary that
                // starts with this one, "--b-1" for "--b", is not a match).
                if close || j == lineEnd || body[j] == 0x20 || body[j] == 0x09 || body[j] == 0x0D {
                    // The line break before a delimiter belongs to the delimiter.
                    var lineStart = i
                    if lineStart > body.startIndex, body[lineStart - 1] == 0x0A {
                        lineStart -= 1
                        if lineStart > body.startIndex, body[lineStart - 1] == 0x0D { lineStart -= 1 }
                    }
                    found.append(Delimiter(lineStart: lineStart, next: lineEnd < end ? lineEnd + 1 : end, isClose: close))
                }
            }
            i = lineEnd < end ? lineEnd + 1 : end
        }
        return found
    }

    /// A boundary for a multipart that forgot its parameter: the first line
    /// starting with `--` that occurs again as a delimiter.
    static func guessBoundary(_ body: ArraySlice<UInt8>) -> [UInt8]? {
        var i = body.startIndex
        var tries = 0
        // A few candidates only: each costs a scan of the body.
        while i < body.endIndex, tries < 4 {
            var lineEnd = i
            while lineEnd < body.endIndex, body[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            while contentEnd > i, body[contentEnd - 1] == 0x0D || body[contentEnd - 1] == 0x20 { contentEnd -= 1 }
            if contentEnd - i > 3, body[i] == 0x2D, body[i + 1] == 0x2D {
                let candidate = Array(body[(i + 2)..<contentEnd])
                tries += 1
                if delimiters(of: candidate, in: body).count >= 2 { return candidate }
            }
            i = lineEnd < body.endIndex ? lineEnd + 1 : body.endIndex
        }
        return nil
    }
}
