import Foundation

/// Declares one key a channel plugin accepts in its `[[channel]]` table.
///
/// The config loader checks presence and value kinds from these declarations for
/// every plugin alike, and `complaint-gateway channels` prints them as the
/// plugin's reference; plugins then check meaning (a known charset, a valid
/// country) when they build their parser.
public struct OptionSpec: Sendable {
    /// What kind of TOML value a key takes.
    public enum Kind: Sendable {
        case string
        case integer
        /// A decimal number (an integer is accepted too).
        case number
        case boolean
        case stringArray
        /// One of a fixed set of strings.
        case choice([String])
        /// An inline table whose keys are declared in turn.
        case table([OptionSpec])
        /// A table of tables named freely by the user (`[channel.fields]` with one
        /// inline table per form field), each with the declared keys.
        case namedTables([OptionSpec])
        /// An array of inline tables, each with the declared keys
        /// (`levels = [{ name = "yellow", customers = 10, minutes = 60 }]`).
        case tableArray([OptionSpec])
        /// A string or a 1-based integer (a CSV column by header name or position).
        case stringOrInteger
        /// A folder the gateway watches; no two channels may watch the same one.
        case watchedFolder
        /// A charset name iconv knows (`utf-8`, `gbk`, `gb18030`, `big5`, …),
        /// checked by the loader, so a bad one is reported even when another
        /// key of the channel is wrong too.
        case charset
        /// An IANA time zone name (`Asia/Shanghai`, `UTC`), checked by the
        /// loader for the same reason as `charset`.
        case timeZone

        var description: String {
            switch self {
            case .string, .watchedFolder: "a string"
            case .charset: "a charset name"
            case .timeZone: "an IANA time zone name"
            case .integer: "an integer"
            case .number: "a number"
            case .boolean: "a boolean"
            case .stringArray: "an array of strings"
            case .choice(let values): "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
            case .table: "a table"
            case .namedTables: "a table of tables"
            case .tableArray: "an array of tables"
            case .stringOrInteger: "a string or an integer"
            }
        }
    }

    public var key: String
    public var kind: Kind
    public var required: Bool
    /// The value used when the key is absent, as written in documentation.
    public var defaultValue: String?
    public var help: String

    public init(_ key: String, _ kind: Kind, required: Bool = false, default defaultValue: String? = nil, help: String) {
        self.key = key
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.help = help
    }

    /// Whether `value` is of this option's kind; nil when it is, the reason otherwise.
    func mismatch(_ value: ConfigValue) -> String? {
        switch (kind, value) {
        case (.string, .string), (.watchedFolder, .string), (.integer, .integer), (.boolean, .bool),
             (.number, .double), (.number, .integer),
             (.stringOrInteger, .string), (.stringOrInteger, .integer), (.table, .table):
            return nil
        case (.tableArray, .array):
            return nil  // each item is checked by the loader, so every bad item is reported
        case (.stringArray, _):
            return value.stringArrayValue == nil ? "expected \(kind.description), found \(value.kindName)" : nil
        case (.namedTables, .table(let entries)):
            for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
                if case .table = entry { continue }
                return "\"\(name)\" must be a table such as { ... }, found \(entry.kindName)"
            }
            return nil
        case (.table(let nested), .string) where nested.map(\.key) == ["env", "file"]:
            // A secret written inline ends up in repositories and tickets.
            return "a secret is never written inline; write { env = \"VARIABLE\" } or { file = \"PATH\" } and keep the value there"
        case (.charset, .string(let label)):
            return Charset(label: label) == nil ? "unknown charset \"\(label)\"; use e.g. \"utf-8\", \"gbk\", \"gb18030\", \"big5\"" : nil
        case (.timeZone, .string(let name)):
            return TimeZone(identifier: name) == nil ? "unknown time zone \"\(name)\"; use an IANA name such as \"Asia/Shanghai\" or \"UTC\"" : nil
        case (.choice(let allowed), .string(let s)):
            return allowed.contains(s) ? nil : "\"\(s)\" is not allowed; expected \(kind.description)"
        default:
            return "expected \(kind.description), found \(value.kindName)"
        }
    }
}

extension OptionSpec {
    /// Whether the key takes a secret reference, `{ env = ... }` or `{ file = ... }`.
    var isSecretReference: Bool {
        guard case .table(let keys) = kind else { return false }
        return Set(keys.map(\.key)) == ["env", "file"]
    }
}
