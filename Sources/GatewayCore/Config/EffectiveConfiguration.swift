import Foundation
import TOMLKit

/// `complaint-gateway config show`: the configuration as the gateway runs it,
/// printed as TOML. Every key of every section and channel is shown: the
/// value written, or the default marked `# default`; relative paths are
/// followed by the absolute path they resolve to. Secrets appear as written,
/// which is always their source (`{ env = "…" }`, `{ file = "…" }`): the file
/// never holds a secret itself.
public struct EffectiveConfiguration: Sendable {
    let root: [String: ConfigValue]
    let registry: PluginRegistry
    let baseDirectory: URL

    /// From a file that `ConfigLoader` has already accepted.
    public init(text: String, registry: PluginRegistry, baseDirectory: URL) throws {
        root = ConfigLoader.convert(try TOMLTable(string: text))
        self.registry = registry
        self.baseDirectory = baseDirectory
    }

    public func render() -> String {
        var out: [String] = []
        let sections: [(String, [OptionSpec])] = [
            ("server", ServerSettings.options), ("storage", StorageSettings.options),
            ("archive", ArchiveSettings.options), ("dedup", DedupSettings.options), ("incidents", IncidentSettings.options), ("identity", IdentitySettings.options),
        ]
        for (name, options) in sections {
            out.append("[\(name)]")
            out += lines(root[name]?.tableValue ?? [:], options)
            out.append("")
        }
        for (name, options) in [("token", APIToken.options), ("sink", SinkSettings.options)] {
            for item in root[name]?.arrayValue ?? [] {
                out.append("[[\(name)]]")
                out += lines(item.tableValue ?? [:], options)
                out.append("")
            }
        }
        for item in root["channel"]?.arrayValue ?? [] {
            let table = item.tableValue ?? [:]
            out.append("[[channel]]")
            out.append("name = \(Self.toml(table["name"] ?? .string("")))")
            out.append("type = \(Self.toml(table["type"] ?? .string("")))")
            let options = table["type"]?.stringValue.flatMap { registry[$0] }?.options ?? []
            out += lines(table.filter { $0.key != "name" && $0.key != "type" }, options)
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// One line per declared key (written or default), in declaration order.
    func lines(_ written: [String: ConfigValue], _ options: [OptionSpec]) -> [String] {
        options.compactMap { option in
            if let value = written[option.key] {
                var line = "\(option.key) = \(Self.toml(value))"
                if Self.isPath(option), let path = value.stringValue, !path.hasPrefix("/") {
                    line += "  # \(ConfigPaths.resolve(path, against: baseDirectory).path)"
                }
                return line
            }
            guard let fallback = option.defaultValue else { return "# \(option.key) is not set" }
            // Some defaults are a rule, not a value ("true for mapped, false for asterisk").
            guard Self.isLiteral(fallback, option.kind) else { return "# \(option.key): default \(fallback)" }
            var line = "\(option.key) = \(Self.tomlDefault(fallback, option.kind))  # default"
            if Self.isPath(option), !fallback.hasPrefix("/") {
                line += ", \(ConfigPaths.resolve(fallback, against: baseDirectory).path)"
            }
            return line
        }
    }

    static func isPath(_ option: OptionSpec) -> Bool {
        if case .watchedFolder = option.kind { return true }
        return option.key == "path"
    }

    static func isLiteral(_ text: String, _ kind: OptionSpec.Kind) -> Bool {
        switch kind {
        case .integer: Int(text) != nil
        case .number: Double(text) != nil
        case .boolean: text == "true" || text == "false"
        default: true
        }
    }

    /// A default as documented, as a TOML value of the option's kind.
    static func tomlDefault(_ text: String, _ kind: OptionSpec.Kind) -> String {
        switch kind {
        case .integer, .number, .boolean: text
        case .stringOrInteger: Int(text) != nil ? text : toml(.string(text))
        case .stringArray: text.hasPrefix("[") ? text : toml(.array([.string(text)]))
        default: toml(.string(text))
        }
    }

    /// A value as inline TOML.
    static func toml(_ value: ConfigValue) -> String {
        switch value {
        case .string(let s):
            return TOMLQuoting.quoted(s)
        case .integer(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items): return "[" + items.map(toml).joined(separator: ", ") + "]"
        case .table(let entries):
            let inner = entries.sorted { $0.key < $1.key }.map { "\(bareOrQuoted($0.key)) = \(toml($0.value))" }
            return inner.isEmpty ? "{}" : "{ " + inner.joined(separator: ", ") + " }"
        case .other(let text): return text
        }
    }

    static func bareOrQuoted(_ key: String) -> String {
        key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") } && !key.isEmpty ? key : toml(.string(key))
    }
}
