/// A record read from a CSV stream.
public struct CSVRecord: Sendable, Equatable {
    public var fields: [String]
    /// The 1-based physical lines the record spans (quoted fields may hold newlines).
    public var firstLine: Int
    public var lastLine: Int
    /// True when some field was not valid UTF-8 and had bytes replaced by U+FFFD.
    public var hadInvalidUTF8: Bool

    /// `line 7` or `lines 7-9`.
    public var location: String {
        firstLine == lastLine ? "line \(firstLine)" : "lines \(firstLine)-\(lastLine)"
    }
}

/// What the CSV reader yields.
public enum CSVEvent: Sendable, Equatable {
    case record(CSVRecord)
    /// A record that is not valid CSV, skipped so the rest of the file can be read.
    case malformed(line: Int, reason: String, excerpt: String)
    /// A physical line that holds no record, counted so nothing vanishes unsaid.
    case ignored(line: Int, IgnoredLine)

    public enum IgnoredLine: String, Sendable, Equatable {
        case blank = "blank line"
        case comment = "comment line"
        /// One of the `skip_lines` above the first record.
        case skipped = "line above the header (skip_lines)"
    }
}

/// A streaming RFC 4180 reader over UTF-8 bytes, fed in chunks of any size.
///
/// Handles quoted fields with embedded delimiters, doubled quotes and line
/// breaks; CRLF, LF and lone CR line ends; a leading byte-order mark; and any
/// one-byte delimiter. It keeps only the record in progress, so memory does
/// not grow with the file.
///
/// It recovers from malformed records instead of giving up on the file: a
/// closing quote followed by anything but a delimiter or line end, a quoted
/// field still open at the end of input, or a record over `maxRecordBytes`
/// ends the record as `.malformed` (located at its first line), and reading
/// resumes at the next physical line. That is what makes one unbalanced quote
/// cost one row instead of the rest of the file.
///
/// Fields are kept as written (no trimming, line breaks inside quotes as
/// they are); blank lines, comment lines and `skip_lines` are reported as
/// `.ignored`. The dialect (`CSVDialect`) gives the delimiter, quote, escape
/// and comment bytes; white space between a closing quote and the delimiter
/// is ignored, as Python's `csv` and papaparse do.
///
/// A struct on purpose: its per-byte loop mutates only `self`, which Swift
/// checks for exclusive access at compile time; as a class every property
/// access in the loop paid a run-time exclusivity check (a quarter of the
/// parse time in profiles).
public struct CSVRecordReader {
    private enum State {
        case startOfField, unquoted, quoted, quoteInQuoted, afterClosingQuote, escapeInQuoted, escapeInUnquoted, skippingLine
    }

    public let dialect: CSVDialect
    public var delimiter: UInt8 { dialect.delimiter }
    public let maxRecordBytes: Int
    /// Lines of `skip_lines` still to skip.
    private var titleLinesLeft: Int
    /// Why the line being skipped is skipped (nil after a malformed record: it was reported).
    private var skipping: CSVEvent.IgnoredLine?
    private var skippedLineHasText = false

    private var state = State.startOfField
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var invalidUTF8 = false
    /// Bytes of the record in progress, for recovery and excerpts.
    private var recordBytes: [UInt8] = []
    private var line = 1
    private var recordFirstLine = 1
    private var afterCR = false
    private var atStreamStart = true
    private var startBytes: [UInt8] = []
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private var output: [CSVEvent] = []
    private var outputIndex = 0

    public init(delimiter: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = 1 << 20) {
        self.init(dialect: CSVDialect(delimiter: delimiter), maxRecordBytes: maxRecordBytes)
    }

    public init(dialect: CSVDialect, maxRecordBytes: Int = 1 << 20) {
        self.dialect = dialect
        self.maxRecordBytes = maxRecordBytes
        titleLinesLeft = dialect.skipLines
        if titleLinesLeft > 0 {
            state = .skippingLine
            skipping = .skipped
        }
        field.reserveCapacity(256)
        recordBytes.reserveCapacity(1024)
    }

    /// The next parsed event, or nil when more input is needed.
    public mutating func nextEvent() -> CSVEvent? {
        guard outputIndex < output.count else {
            output.removeAll(keepingCapacity: true)
            outputIndex = 0
            return nil
        }
        defer { outputIndex += 1 }
        return output[outputIndex]
    }

    /// Feeds the next chunk of UTF-8 bytes.
    public mutating func feed(_ chunk: some Collection<UInt8>) {
        var work: [UInt8]
        if atStreamStart {
            // Excel and Notepad write a UTF-8 byte-order mark; it is not part of the
            // first field. Hold the first bytes until it is clear whether they are one.
            startBytes.append(contentsOf: chunk)
            if startBytes.count < 3, Self.bom.starts(with: startBytes) { return }
            atStreamStart = false
            work = startBytes.starts(with: Self.bom) ? Array(startBytes.dropFirst(3)) : startBytes
            startBytes = []
        } else {
            work = Array(chunk)
        }
        var i = 0
        while i < work.count {
            // Runs of ordinary bytes inside a field are copied in one go: the
            // state machine below only sees delimiters, quotes and line ends.
            if !afterCR, state == .unquoted || state == .quoted {
                let run = Self.ordinaryRun(work, from: i, delimiter: state == .quoted ? nil : dialect.delimiter,
                                           quote: dialect.quote, escape: dialect.escape)
                if run > i {
                    if recordBytes.count + (run - i) > maxRecordBytes {
                        // Over the limit: the byte-wise path below reports it.
                    } else {
                        field.append(contentsOf: work[i..<run])
                        recordBytes.append(contentsOf: work[i..<run])
                        i = run
                        continue
                    }
                }
            }
            let b = work[i]
            i += 1
            // A LF right after a CR is the second half of a CRLF line end.
            if afterCR {
                afterCR = false
                if b == 0x0A {
                    if state == .quoted { field.append(b); recordBytes.append(b) }
                    continue
                }
            }
            if b == 0x0A || b == 0x0D {
                afterCR = b == 0x0D
            }
            if state == .skippingLine {
                if b != 0x0A && b != 0x0D { skippedLineHasText = true }
                if b == 0x0A || b == 0x0D {
                    skippedLineHasText = false
                    if let skipping { output.append(.ignored(line: line, skipping)) }
                    line += 1
                    recordFirstLine = line
                    if titleLinesLeft > 0 { titleLinesLeft -= 1 }
                    if titleLinesLeft > 0 {
                        skipping = .skipped
                    } else {
                        state = .startOfField
                        skipping = nil
                    }
                }
                continue
            }
            if state == .startOfField, fields.isEmpty, recordBytes.isEmpty, let comment = dialect.comment, b == comment {
                // A comment line: only at the start of a record, as papaparse reads them.
                state = .skippingLine
                skipping = .comment
                continue
            }
            recordBytes.append(b)
            if recordBytes.count > maxRecordBytes {
                if let replay = malformed("record longer than \(maxRecordBytes) bytes (an unbalanced quote?)") {
                    work = replay + work[i...]
                    i = 0
                }
                continue
            }
            let delimiter = dialect.delimiter, quote = dialect.quote
            switch state {
            case .startOfField:
                if b == quote {
                    state = .quoted
                } else if b == delimiter {
                    endField()
                } else if b == 0x0A || b == 0x0D {
                    endRecord()
                } else if b == dialect.escape {
                    state = .escapeInUnquoted
                } else {
                    field.append(b)
                    state = .unquoted
                }
            case .unquoted:
                if b == delimiter {
                    endField()
                    state = .startOfField
                } else if b == 0x0A || b == 0x0D {
                    endRecord()
                } else if b == dialect.escape {
                    state = .escapeInUnquoted
                } else {
                    // A quote inside an unquoted field is kept as text, as most
                    // producers and readers do.
                    field.append(b)
                }
            case .quoted:
                if b == dialect.escape {
                    state = .escapeInQuoted
                } else if b == quote {
                    // A doubled quote is a quote also where an escape byte is set (as Python's doublequote).
                    state = .quoteInQuoted
                } else {
                    if b == 0x0A || (b == 0x0D) { line += 1 }
                    field.append(b)
                }
            case .escapeInQuoted, .escapeInUnquoted:
                // The escaped byte is text, whatever it is.
                if b == 0x0A || b == 0x0D { line += 1 }
                field.append(b)
                state = state == .escapeInQuoted ? .quoted : .unquoted
            case .quoteInQuoted, .afterClosingQuote:
                if b == quote, state == .quoteInQuoted {
                    field.append(b)
                    state = .quoted
                } else if b == delimiter {
                    endField()
                    state = .startOfField
                } else if b == 0x0A || b == 0x0D {
                    endRecord()
                } else if b == 0x20 || b == 0x09 {
                    // `"a" ,b`: white space before the delimiter is not part of the field.
                    state = .afterClosingQuote
                } else if let replay = malformed("unexpected text after a closing quote (an unbalanced or unescaped quote?)") {
                    work = replay + work[i...]
                    i = 0
                }
            case .skippingLine:
                break
            }
        }
    }

    /// The end of the run of bytes from `start` that need no decision: not a
    /// quote, a line end or (outside quotes) the delimiter.
    @inline(__always)
    private static func ordinaryRun(_ bytes: [UInt8], from start: Int, delimiter: UInt8?, quote: UInt8, escape: UInt8?) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var j = start
            let stop = delimiter ?? quote, escaped = escape ?? quote
            while j < buffer.count {
                let b = buffer[j]
                if b == quote || b == 0x0A || b == 0x0D || b == stop || b == escaped { break }
                j += 1
            }
            return j
        }
    }

    /// Ends the input: a record in progress is emitted, or reported malformed
    /// when a quoted field is still open.
    public mutating func finish() {
        if atStreamStart {
            // Fewer than three bytes in all, held back as a possible BOM: they are data.
            atStreamStart = false
            let held = startBytes
            startBytes = []
            if !held.isEmpty, held != Self.bom { feed(held) }
        }
        afterCR = false
        switch state {
        case .quoted, .escapeInQuoted:
            if let replay = malformed("quoted field not closed before the end of the input (an unbalanced quote)") {
                feed(replay)
                finish()
            }
        case .skippingLine:
            // The last line had no line end.
            if let skipping, skippedLineHasText || skipping == .comment { output.append(.ignored(line: line, skipping)) }
            skippedLineHasText = false
            state = .startOfField
        case .startOfField where fields.isEmpty && field.isEmpty:
            break
        default:
            endField()
            emitRecord(lastLine: line)
        }
    }

    private mutating func endField() {
        if field.withUnsafeBufferPointer({ !$0.contains { $0 >= 0x80 } }) {
            // ASCII (most of a call log): valid UTF-8 by construction.
            fields.append(String(decoding: field, as: UTF8.self))
        } else if let s = String(validating: field, as: UTF8.self) {
            fields.append(s)
        } else {
            fields.append(String(decoding: field, as: UTF8.self))
            invalidUTF8 = true
        }
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord() {
        // A line with nothing on it is not a record.
        let blank = fields.isEmpty && field.isEmpty && state == .startOfField
        if !blank {
            endField()
            emitRecord(lastLine: line)
        } else {
            output.append(.ignored(line: line, .blank))
            resetRecord()
        }
        line += 1
        recordFirstLine = line
        state = .startOfField
    }

    private mutating func emitRecord(lastLine: Int) {
        output.append(.record(CSVRecord(fields: fields, firstLine: recordFirstLine, lastLine: lastLine, hadInvalidUTF8: invalidUTF8)))
        resetRecord()
    }

    private mutating func resetRecord() {
        fields.removeAll(keepingCapacity: true)
        field.removeAll(keepingCapacity: true)
        recordBytes.removeAll(keepingCapacity: true)
        invalidUTF8 = false
    }

    /// Reports the record in progress as malformed and returns the bytes to read
    /// again (everything after its first line), or nil when the first line is not
    /// finished yet, in which case the rest of that line is skipped.
    private mutating func malformed(_ reason: String) -> [UInt8]? {
        let firstLineEnd = recordBytes.firstIndex { $0 == 0x0A || $0 == 0x0D }
        let excerptBytes = recordBytes[..<(firstLineEnd ?? recordBytes.endIndex)].prefix(512)
        output.append(.malformed(line: recordFirstLine, reason: reason, excerpt: String(decoding: excerptBytes, as: UTF8.self)))
        var replay: [UInt8]? = nil
        if var end = firstLineEnd {
            // Skip the whole line end (CRLF is two bytes).
            if recordBytes[end] == 0x0D, end + 1 < recordBytes.count, recordBytes[end + 1] == 0x0A { end += 1 }
            replay = Array(recordBytes[(end + 1)...])
            afterCR = false
            if recordBytes[end] == 0x0D, end + 1 == recordBytes.count { afterCR = true }
        }
        resetRecord()
        line = recordFirstLine
        if replay != nil {
            line += 1
            recordFirstLine = line
            state = .startOfField
        } else {
            state = .skippingLine
            skipping = nil
        }
        return replay
    }
}
