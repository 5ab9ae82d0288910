import Foundation
import GatewayCore

/// A call-log channel's validated settings.
struct CallLogSettings: Sendable {
    enum Format: String, Sendable, CaseIterable {
        /// Asterisk `cdr_csv` Master.csv.
        case asterisk
        /// Asterisk `cdr_custom` Master.csv (sample mapping).
        case asteriskCustom = "asterisk_custom"
        /// A header-mapped export: `columns` names the columns.
        case mapped
    }

    /// How a mapped column is referred to.
    enum ColumnRef: Sendable, Equatable {
        case name(String)
        case position(Int)
    }

    var format: Format
    /// The highest 1-based column position accepted (exports have dozens).
    static let maxColumnPosition = 1_000
    var columns: [CallField: ColumnRef]
    var hasHeader: Bool
    /// The CSV dialect; its delimiter is sniffed per file when `delimiterIsAuto`.
    var dialect: CSVDialect
    var delimiterIsAuto: Bool
    /// `trim = true`: white space around every value is removed before use.
    var trim: Bool
    /// What to do with a row of a mapped export whose field count is not the header's.
    var ragged: Ragged
    /// Asterisk layouts: whether `accountcode` is the customer's account id
    /// (`accountcode = "account_id"`) rather than an attribute (the default).
    var accountCodeIsCustomerAccount: Bool
    enum Ragged: String, Sendable, CaseIterable {
        /// Missing fields are absent, extra ones become `column_N` attributes, with a warning.
        case keep
        case quarantine
    }
    var charset: Charset
    var phone: PhoneNumberNormalizer
    var timeZone: TimeZone
    /// `time_format`: tried before the built-in forms, in order.
    var timeFormats: [CallTimePattern]
    var rule: ComplaintRule
    var maxRecordBytes: Int

    /// Validates everything the declared option kinds do not.
    init(_ s: ChannelSettings) throws {
        var problems: [ConfigProblem] = []
        format = Format(rawValue: s.string("format") ?? "") ?? .mapped

        var columns: [CallField: ColumnRef] = [:]
        if let table = s.table("columns") {
            if format != .mapped {
                problems.append(s.problem("columns", "columns is only used with format = \"mapped\"; the \(format.rawValue) layout is fixed"))
            }
            for (key, value) in table {
                guard let field = CallField(rawValue: key) else { continue }  // unknown keys are reported by the loader
                switch value {
                case .string(let name) where !name.isEmpty: columns[field] = .name(name)
                case .integer(let p) where p >= 1 && p <= Self.maxColumnPosition: columns[field] = .position(p)
                case .integer(let p) where p > Self.maxColumnPosition:
                    // Rows are split into this many columns: a typo like 1000000 must not size every row.
                    problems.append(s.problem("columns.\(key)", "column \(p) is beyond the last column a call log can have (\(Self.maxColumnPosition))"))
                default: problems.append(s.problem("columns.\(key)", "a column is a header name or a 1-based position"))
                }
            }
            if format == .mapped, table[CallField.start.rawValue] == nil {
                problems.append(s.problem("columns", "missing required column \"start\" (the call's start time)"))
            }
        } else if format == .mapped {
            problems.append(s.problem("format", "format = \"mapped\" needs a columns table, e.g. columns = { start = \"Start Time\", caller_number = \"Caller\", notes = \"Notes\" }"))
        }
        self.columns = columns
        hasHeader = s.bool("header") ?? (format == .mapped)
        if format == .mapped, !hasHeader, columns.values.contains(where: { if case .name = $0 { true } else { false } }) {
            problems.append(s.problem("header", "header = false: columns must be given by 1-based position, not by name"))
        }

        func oneByte(_ key: String, _ fallback: UInt8?, what: String) -> UInt8? {
            guard let text = s.string(key) else { return fallback }
            let t = text == "\\t" ? "\t" : text
            if t.utf8.count == 1, let byte = t.utf8.first, byte < 0x80, byte != 0x0A, byte != 0x0D { return byte }
            problems.append(s.problem(key, "must be one ASCII character other than a line break\(what)"))
            return fallback
        }
        delimiterIsAuto = s.string("delimiter") == "auto"
        let delimiter = delimiterIsAuto ? UInt8(ascii: ",") : oneByte("delimiter", UInt8(ascii: ","), what: ", e.g. \",\" \";\" \"\\t\", or \"auto\"")!
        let quote = oneByte("quote", UInt8(ascii: "\""), what: "")!
        let escape = oneByte("escape", nil, what: ", e.g. \"\\\\\"")
        let comment = oneByte("comment", nil, what: ", e.g. \"#\"")
        if delimiter == quote { problems.append(s.problem("quote", "the quote cannot be the delimiter")) }
        if let comment, comment == delimiter || comment == quote {
            problems.append(s.problem("comment", "the comment character cannot be the delimiter or the quote"))
        }
        let skipLines = s.int("skip_lines") ?? 0
        if !(0...10_000).contains(skipLines) { problems.append(s.problem("skip_lines", "must be from 0 to 10000")) }
        dialect = CSVDialect(delimiter: delimiter, quote: quote, escape: escape, comment: comment, skipLines: min(max(skipLines, 0), 10_000))
        trim = s.bool("trim") ?? false
        ragged = Ragged(rawValue: s.string("ragged") ?? "keep") ?? .keep
        accountCodeIsCustomerAccount = s.string("accountcode") == "account_id"
        if s.string("accountcode") != nil, format == .mapped {
            problems.append(s.problem("accountcode", "accountcode is for the Asterisk layouts; a mapped export names its account column in columns.account_id"))
        }

        let label = s.string("encoding") ?? "utf-8"
        if let c = Charset(label: label) {
            charset = c
        } else {
            charset = .utf8
            problems.append(s.problem("encoding", "unknown charset \"\(label)\"; use e.g. \"utf-8\", \"gbk\", \"gb18030\", \"big5\""))
        }

        let country = s.string("default_country") ?? "CN"
        if let p = PhoneNumberNormalizer(defaultCountry: country) {
            phone = p
        } else {
            phone = PhoneNumberNormalizer(defaultCountry: "CN")!
            problems.append(s.problem("default_country", "unsupported country \"\(country)\"; supported: \(PhoneNumberNormalizer.countries.keys.sorted().joined(separator: ", "))"))
        }

        // An unknown name is reported by the loader (kind .timeZone), with the other keys' problems.
        timeZone = TimeZone(identifier: s.string("time_zone") ?? "UTC") ?? TimeZone(identifier: "UTC")!
        var timeFormats: [CallTimePattern] = []
        for text in s.strings("time_format") ?? [] {
            switch CallTimePattern.compile(text) {
            case .success(let pattern): timeFormats.append(pattern)
            case .failure(let error): problems.append(s.problem("time_format", error.text))
            }
        }
        self.timeFormats = timeFormats

        rule = ComplaintRule(queues: s.strings("match_queues") ?? [], dispositions: s.strings("match_dispositions") ?? [],
                             keywords: s.strings("match_keywords") ?? [])
        maxRecordBytes = s.int("max_record_bytes") ?? (1 << 20)
        if maxRecordBytes < 1024 {
            problems.append(s.problem("max_record_bytes", "must be at least 1024"))
        }
        if !problems.isEmpty { throw ConfigError(problems) }
    }
}

extension CallLogSettings {
    /// The keys of a `[[channel]]` with `type = "call_log"` (besides `name` and `type`).
    static let options: [OptionSpec] = [
        OptionSpec("format", .choice(CallLogSettings.Format.allCases.map(\.rawValue)), required: true,
                   help: "Row layout: Asterisk cdr_csv, Asterisk cdr_custom sample, or a mapped export."),
        OptionSpec("columns", .table(CallField.allCases.map { OptionSpec($0.rawValue, .stringOrInteger, help: $0.help) }),
                   help: "For format = \"mapped\": which column holds each field, by header name or 1-based position."),
        OptionSpec("header", .boolean, default: "true for mapped, false for asterisk",
                   help: "Whether the first row is a header."),
        OptionSpec("delimiter", .string, default: ",", help: "Field delimiter; \"\\t\" for tab; \"auto\" picks , ; tab or | per file from its first lines."),
        OptionSpec("quote", .string, default: "\"", help: "Quote character; a quote inside a quoted field is doubled."),
        OptionSpec("escape", .string, help: "Escape character that makes the next one literal (e.g. \"\\\\\"); default none (quotes are doubled)."),
        OptionSpec("comment", .string, help: "Lines starting with this character are comments: skipped and counted (e.g. \"#\")."),
        OptionSpec("skip_lines", .integer, default: "0", help: "Lines skipped before the header or first row (report titles above the header)."),
        OptionSpec("trim", .boolean, default: "false", help: "Remove white space around every value; by default values are kept exactly as written."),
        OptionSpec("accountcode", .choice(["attribute", "account_id"]), default: "attribute",
                   help: "Asterisk layouts: the accountcode column (the channel's billing account: a trunk, a tenant, an extension) as attributes.accountcode, or as the customer's account id when the PBX fills it per customer."),
        OptionSpec("ragged", .choice(CallLogSettings.Ragged.allCases.map(\.rawValue)), default: "keep",
                   help: "A mapped export's row with more or fewer fields than the header: keep it (missing fields absent, extra ones as column_N, with a warning) or quarantine it."),
        OptionSpec("encoding", .charset, default: "utf-8", help: "File charset: utf-8, gbk, gb18030, big5..."),
        OptionSpec("default_country", .string, default: "CN", help: "Country for national phone numbers (ISO 3166 code)."),
        OptionSpec("time_zone", .timeZone, default: "UTC", help: "IANA time zone of times written without an offset."),
        OptionSpec("time_format", .stringArray,
                   help: "strftime-style patterns for the start and end columns, tried in order before the built-in forms "
                       + "(YYYY-MM-DD hh:mm:ss, YYYY/M/D h:mm, YYYY年M月D日 h:mm, ISO 8601, Excel serial days, Unix seconds), "
                       + "e.g. [\"%d/%m/%Y %H:%M\", \"%Y年%m月%d日 %p%I:%M\"]; %Y %y %m %b %d %e %H %I %M %S %f %p %z %s %%."),
        OptionSpec("match_queues", .stringArray, help: "Calls to these queues are complaints."),
        OptionSpec("match_dispositions", .stringArray, help: "Calls with these dispositions are complaints."),
        OptionSpec("match_keywords", .stringArray, help: "Calls whose notes contain one of these words are complaints."),
        OptionSpec("drop_folder", .watchedFolder, help: "Folder whose CSV files this channel ingests."),
        OptionSpec("max_record_bytes", .integer, default: "1048576", help: "Longest accepted row, in bytes."),
    ]
}
