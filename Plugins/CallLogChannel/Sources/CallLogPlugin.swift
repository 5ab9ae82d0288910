import ComplaintModel
import GatewayCore

/// The `call_log` channel: call-detail records and call-centre exports in CSV.
///
/// Reads Asterisk `Master.csv` (`format = "asterisk"` or `"asterisk_custom"`)
/// or any header-mapped export (`format = "mapped"` with a `columns` table),
/// in UTF-8, GBK or GB18030 among others. A rule (`match_*`) picks which calls
/// are complaints; the others are counted as skipped. Malformed rows are
/// quarantined with their line number and the rest of the file is read.
public struct CallLogPlugin: ChannelPlugin {
    public init() {}

    public var type: String { "call_log" }
    public var summary: String { "Call-detail CSV (Asterisk Master.csv) and call-centre exports (UTF-8, GBK, GB18030)" }
    public var mediaType: String { "text/csv" }

    public var options: [OptionSpec] {
        [
            OptionSpec("format", .choice(CallLogSettings.Format.allCases.map(\.rawValue)), required: true,
                       help: "Row layout: Asterisk cdr_csv, Asterisk cdr_custom sample, or a mapped export."),
            OptionSpec("columns", .table(CallField.allCases.map { OptionSpec($0.rawValue, .stringOrInteger, help: $0.help) }),
                       help: "For format = \"mapped\": which column holds each field, by header name or 1-based position."),
            OptionSpec("header", .boolean, default: "true for mapped, false for asterisk",
                       help: "Whether the first row is a header."),
            OptionSpec("delimiter", .string, default: ",", help: "Field delimiter; \"\\t\" for tab."),
            OptionSpec("encoding", .charset, default: "utf-8", help: "File charset: utf-8, gbk, gb18030, big5..."),
            OptionSpec("default_country", .string, default: "CN", help: "Country for national phone numbers (ISO 3166 code)."),
            OptionSpec("time_zone", .string, default: "UTC", help: "IANA time zone of times written without an offset."),
            OptionSpec("match_queues", .stringArray, help: "Calls to these queues are complaints."),
            OptionSpec("match_dispositions", .stringArray, help: "Calls with these dispositions are complaints."),
            OptionSpec("match_keywords", .stringArray, help: "Calls whose notes contain one of these words are complaints."),
            OptionSpec("drop_folder", .watchedFolder, help: "Folder whose CSV files this channel ingests."),
            OptionSpec("max_record_bytes", .integer, default: "1048576", help: "Longest accepted row, in bytes."),
        ]
    }

    public func makeParser(_ settings: ChannelSettings) throws -> any ChannelParser {
        CallLogParser(settings: try CallLogSettings(settings))
    }

    /// What the call was, not who made it. Personal, so masked without `pii`:
    /// `caller_number`, and the CDR columns that carry the caller (`src`,
    /// `clid`, `channel` such as `SIP/13800138000-01`, `accountcode`,
    /// `userfield`) and every unnamed `column_N` of a custom layout.
    public func sharedAttributes(_ settings: ChannelSettings) -> Set<String> {
        ["agent", "queue", "disposition", "ended_at", "duration_seconds", Complaint.generatedBodyAttribute,
         "dst", "dcontext", "dstchannel", "lastapp", "lastdata", "answer", "billsec", "amaflags", "uniqueid",
         "peeraccount", "linkedid", "sequence", "start", "end", "duration"]
    }
}
