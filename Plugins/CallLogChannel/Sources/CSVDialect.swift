/// How a CSV file is written: what a `call_log` channel's `delimiter`,
/// `quote`, `escape`, `comment` and `skip_lines` say.
///
/// The defaults are RFC 4180's (`,`, `"` doubled to escape it) with the
/// leniencies Python's `csv` module and papaparse share: white space after a
/// closing quote, a quote inside an unquoted field kept as text, CRLF, LF or a
/// lone CR as the line end.
public struct CSVDialect: Sendable, Equatable {
    public var delimiter: UInt8
    public var quote: UInt8
    /// The byte that makes the next one literal (`\` in MySQL and some PBX
    /// exports); nil when a quote is escaped by doubling it.
    public var escape: UInt8?
    /// A line that starts with this byte is a comment (skipped and counted).
    public var comment: UInt8?
    /// Physical lines skipped before the first record: the title rows that
    /// Chinese call-centre exports put above the header.
    public var skipLines: Int

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), escape: UInt8? = nil,
                comment: UInt8? = nil, skipLines: Int = 0) {
        self.delimiter = delimiter
        self.quote = quote
        self.escape = escape == quote ? nil : escape
        self.comment = comment
        self.skipLines = skipLines
    }

    /// Candidates for `delimiter = "auto"`, in order of preference on a tie.
    public static let sniffedDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]

    /// The delimiter of `sample` (the file's first bytes): the candidate that
    /// splits the most of the first lines into the same number (above one)
    /// of fields, outside quotes, as Python's `csv.Sniffer` decides by
    /// consistency; nil when no candidate does.
    public static func sniffDelimiter(_ sample: [UInt8], quote: UInt8 = UInt8(ascii: "\""), skipLines: Int = 0) -> UInt8? {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var quoted = false
        for b in sample {
            if b == quote { quoted.toggle() }
            if !quoted, b == 0x0A || b == 0x0D {
                if !current.isEmpty { lines.append(current) }
                current = []
                if lines.count >= skipLines + 20 { break }
            } else {
                current.append(b)
            }
        }
        // The last line may be cut by the sample's end: counted only when alone.
        if lines.isEmpty, !current.isEmpty { lines.append(current) }
        lines = Array(lines.dropFirst(skipLines))
        guard !lines.isEmpty else { return nil }
        var best: (delimiter: UInt8, agreeing: Int, fields: Int)? = nil
        for candidate in sniffedDelimiters {
            var counts: [Int: Int] = [:]
            for line in lines {
                var n = 1, inQuotes = false
                for b in line {
                    if b == quote { inQuotes.toggle() } else if b == candidate, !inQuotes { n += 1 }
                }
                counts[n, default: 0] += 1
            }
            guard let (fields, agreeing) = counts.filter({ $0.key > 1 }).max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { continue }
            if best == nil || agreeing > best!.agreeing || (agreeing == best!.agreeing && fields > best!.fields) {
                best = (candidate, agreeing, fields)
            }
        }
        return best?.delimiter
    }
}
