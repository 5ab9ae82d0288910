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

    public var options: [OptionSpec] { CallLogSettings.options }

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
