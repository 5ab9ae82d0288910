import Foundation

/// Splits an mbox file into messages while reading it, holding one message
/// at a time (a 1 GiB mailbox costs what its largest message does).
///
/// A message starts at a `From ` line at the top of the file or after an
/// empty line (or one that looks like a real separator, `From addr Mon Jan 1
/// 00:00:00 2024`, for files written without blank lines). `>From ` lines
/// are unescaped the mboxrd way (one `>` removed). Where a message declares
/// `Content-Length` and that length ends exactly at the next separator or at
/// the end of the file, `From ` lines inside its body do not split it.
final class MboxReader {
    /// One message of the mailbox.
    struct Message {
        /// 1-based position in the mailbox.
        var index: Int
        /// Byte offset of its `From ` line in the file.
        var offset: Int
        /// The `From ` line, without the line break.
        var separator: String
        /// The message, or nil when it was larger than the limit (then `size` says how large).
        var bytes: [UInt8]?
        var size: Int
    }

    private let handle: FileHandle
    private let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0
    /// File offset of `buffer[0]`.
    private var bufferOffset = 0
    private var atEOF = false
    private var pendingSeparator: (line: String, offset: Int)?
    private var started = false
    private var count = 0
    private static let chunkSize = 1 << 20

    init(handle: FileHandle, maxMessageBytes: Int) {
        self.handle = handle
        self.maxMessageBytes = maxMessageBytes
    }

    /// Whether `prefix` (the first bytes of a file) is an mbox: it starts with a `From ` line.
    static func looksLikeMbox(_ prefix: some Collection<UInt8>) -> Bool {
        var bytes = prefix.drop { $0 == 0x0A || $0 == 0x0D }
        // A UTF-8 byte order mark written by an editor.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.starts(with: Array("From ".utf8))
    }

    func next() throws -> Message? {
        if !started {
            started = true
            while let line = try readLine() {
                let content = Self.trimmedLine(line)
                if content.isEmpty { continue }
                var text = content
                if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
                pendingSeparator = (String(decoding: text.prefix(Self.maxSeparatorBytes), as: UTF8.self), lineOffset)
                break
            }
        }
        guard let separator = pendingSeparator else { return nil }
        pendingSeparator = nil
        count += 1
        var message: [UInt8] = []
        var size = 0
        var oversize = false
        var inHeader = true
        var bodyStart = 0
        var contentLength: Int? = nil
        var previousBlank = true  // the separator line itself counts as a boundary
        while let line = try readLine() {
            let content = Self.trimmedLine(line)
            if content.starts(with: Self.from), previousBlank || Self.looksLikeSeparator(content) {
                if let length = contentLength, !inHeader, size < bodyStart + length,
                   try declaredEndIsSeparator(at: bodyStart + length - size) {
                    // Inside a body whose Content-Length reaches past this line: not a separator.
                } else {
                    pendingSeparator = (String(decoding: content.prefix(Self.maxSeparatorBytes), as: UTF8.self), lineOffset)
                    break
                }
            }
            previousBlank = content.isEmpty
            var kept = line
            // mboxrd: ">From ", ">>From " ... lose one ">".
            if let first = kept.first, first == UInt8(ascii: ">") {
                let rest = kept.drop { $0 == UInt8(ascii: ">") }
                if rest.starts(with: Self.from) { kept = kept.dropFirst() }
            }
            if inHeader {
                if content.isEmpty {
                    inHeader = false
                    bodyStart = size + kept.count
                } else if content.count > 15, Self.isContentLength(content) {
                    contentLength = Int(String(decoding: content.dropFirst(15), as: UTF8.self).asciiTrimmed)
                }
            }
            size += kept.count
            if !oversize, size > maxMessageBytes {
                oversize = true
                message = []
            }
            if !oversize { message.append(contentsOf: kept) }
        }
        return Message(index: count, offset: separator.offset, separator: separator.line,
                       bytes: oversize ? nil : message, size: size)
    }

    // MARK: - Reading

    /// File offset of the line `readLine` returned last.
    private var lineOffset = 0

    /// Where the search for the next line feed resumes: bytes before it were
    /// already searched, so a long line costs one pass, not one per chunk.
    private var searchFrom = 0
    /// The longest piece returned as one line: a "line" of hundreds of MB
    /// without a line feed comes back in pieces of this size, so memory and
    /// time stay bounded (the message it belongs to is over the limit anyway).
    static let maxLinePiece = 1 << 20

    /// The next line with its line break; valid until the next call. A line
    /// longer than `maxLinePiece` is returned in pieces (without a line break
    /// but for the last).
    private func readLine() throws -> ArraySlice<UInt8>? {
        while true {
            if let lf = buffer[max(position, searchFrom)...].firstIndex(of: 0x0A) {
                let line = buffer[position...lf]
                lineOffset = bufferOffset + position
                position = lf + 1
                searchFrom = position
                return line
            }
            searchFrom = buffer.count
            if buffer.count - position >= Self.maxLinePiece {
                let piece = buffer[position..<(position + Self.maxLinePiece)]
                lineOffset = bufferOffset + position
                position += Self.maxLinePiece
                return piece
            }
            if atEOF {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                lineOffset = bufferOffset + position
                position = buffer.count
                return line
            }
            try fill()
        }
    }

    /// Reads another chunk, first dropping what was consumed (but nothing
    /// from `keep` on).
    private func fill(keepingFrom keep: Int? = nil) throws {
        let drop = min(position, keep ?? position)
        if drop > 0 {
            buffer.removeSubrange(0..<drop)
            bufferOffset += drop
            position -= drop
            searchFrom = max(0, searchFrom - drop)
        }
        let chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
        if chunk.isEmpty { atEOF = true } else { buffer.append(contentsOf: chunk) }
    }

    /// Whether the file, `distance` bytes after the start of the line just
    /// read, ends or holds a separator (optionally after a blank line).
    private func declaredEndIsSeparator(at distance: Int) throws -> Bool {
        guard distance >= 0, distance <= maxMessageBytes else { return false }
        while buffer.count - (lineOffset - bufferOffset) < distance + 8, !atEOF {
            try fill(keepingFrom: lineOffset - bufferOffset)
        }
        let at = lineOffset - bufferOffset + distance
        if at >= buffer.count { return at == buffer.count && atEOF }
        var rest = buffer[at...]
        if rest.first == 0x0D { rest = rest.dropFirst() }
        if rest.first == 0x0A { rest = rest.dropFirst() }
        return rest.starts(with: Self.from) || (rest.isEmpty && atEOF)
    }

    // MARK: - Lines

    static let from = Array("From ".utf8)
    /// A `From ` line is kept (for the location of quarantine entries) up to this length.
    static let maxSeparatorBytes = 1000

    static func trimmedLine(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var l = line
        if l.last == 0x0A { l = l.dropLast() }
        if l.last == 0x0D { l = l.dropLast() }
        return l
    }

    /// `From sender Wed Mar  4 03:33:20 2003`: a time and a year, as every
    /// mbox writer puts them.
    static func looksLikeSeparator(_ line: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: line, as: UTF8.self)
        let hasTime = text.range(of: #"\b\d{1,2}:\d{2}(:\d{2})?\b"#, options: .regularExpression) != nil
        let hasYear = text.range(of: #"\b(19|20)\d{2}\b"#, options: .regularExpression) != nil
        return hasTime && hasYear
    }

    static func isContentLength(_ line: ArraySlice<UInt8>) -> Bool {
        line.prefix(15).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }.elementsEqual("content-length:".utf8)
    }
}
