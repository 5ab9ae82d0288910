import Foundation
import Synchronization
import ComplaintModel
import GatewayCore

/// A small but real channel plugin for testing the core without CSV or MIME:
/// each line `source-id|body` of a text file is a complaint, a line starting
/// with `#` is skipped, a line starting with `!` is rejected, and a line
/// `FAIL` makes the reader throw (an input that cannot be read to its end).
public struct LineChannelPlugin: ChannelPlugin {
    public init() {}

    /// How often each input (by SHA-256) was opened for parsing: a test that an
    /// input is parsed once reads its own input's count.
    public static let opened = Mutex<[String: Int]>([:])

    public var type: String { "lines" }
    public var summary: String { "One complaint per line (tests)" }
    public var mediaType: String { "text/plain" }
    public var options: [OptionSpec] {
        [
            OptionSpec("prefix", .string, help: "Prepended to every body."),
            OptionSpec("mode", .choice(["strict", "lenient"]), default: "strict", help: "Unused; a choice option."),
            OptionSpec("inbox", .watchedFolder, help: "A watched folder."),
            OptionSpec("limit", .integer, help: "An integer option."),
            OptionSpec("tags", .stringArray, help: "An array option."),
            OptionSpec("required_key", .string, required: false, help: "Not required."),
            OptionSpec("reject_prefix", .string, default: "!", help: "Lines starting with this are rejected."),
        ]
    }

    public func makeParser(_ settings: ChannelSettings) throws -> any ChannelParser {
        if let limit = settings.int("limit"), limit < 0 {
            throw ConfigError([settings.problem("limit", "must not be negative")])
        }
        return LineParser(prefix: settings.string("prefix") ?? "", rejectPrefix: settings.string("reject_prefix") ?? "!")
    }
}

struct LineParser: ChannelParser {
    let prefix: String
    let rejectPrefix: String

    func open(_ input: RawInput) throws -> any ParseEventReader {
        LineChannelPlugin.opened.withLock { $0[input.sha256, default: 0] += 1 }
        let text = try String(contentsOf: input.url, encoding: .utf8)
        return LineReader(lines: text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init), prefix: prefix, rejectPrefix: rejectPrefix)
    }
}

final class LineReader: ParseEventReader {
    let lines: [String]
    let prefix: String
    let rejectPrefix: String
    var index = 0

    init(lines: [String], prefix: String, rejectPrefix: String) {
        self.lines = lines
        self.prefix = prefix
        self.rejectPrefix = rejectPrefix
    }

    func next() throws -> ParseEvent? {
        while index < lines.count {
            let line = lines[index]
            index += 1
            let location = "line \(index)"
            if line.isEmpty { continue }
            if line == "FAIL" { throw Rejection(reason: "simulated read failure", location: location) }
            if line.hasPrefix("#") { return .skipped(location: location) }
            if line.hasPrefix(rejectPrefix) { return .rejected(Rejection(reason: "rejected by test", location: location, excerpt: line)) }
            // "auto:id|body": a complaint a machine sent (an auto-reply).
            let automated = line.hasPrefix("auto:")
            let parts = line.dropFirst(automated ? 5 : 0).split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                return .rejected(Rejection(reason: "expected id|body", location: location, excerpt: line))
            }
            return .complaint(ComplaintDraft(sourceID: parts[0], occurredAt: Date(timeIntervalSince1970: 1_700_000_000),
                                             customer: Customer(email: "Customer@Example.COM"),
                                             body: prefix + parts[1], automated: automated ? .autoReply : nil, location: location))
        }
        return nil
    }
}

/// Builds configured channels from TOML text, the way `channels.conf` is loaded.
public enum TestChannels {
    public static func load(_ toml: String, plugins: [any ChannelPlugin] = [LineChannelPlugin()],
                            baseDirectory: URL = URL(fileURLWithPath: "/tmp")) throws -> (config: GatewayConfig, channels: [ConfiguredChannel]) {
        try ConfigLoader(registry: PluginRegistry(plugins)).load(text: toml, file: "test.conf", baseDirectory: baseDirectory)
    }

    /// The problems `toml` has, or [] when it loads.
    public static func problems(_ toml: String, plugins: [any ChannelPlugin] = [LineChannelPlugin()],
                                baseDirectory: URL = URL(fileURLWithPath: "/tmp")) -> [ConfigProblem] {
        do {
            _ = try load(toml, plugins: plugins, baseDirectory: baseDirectory)
            return []
        } catch let error as ConfigError {
            return error.problems
        } catch {
            return [ConfigProblem(file: "?", line: nil, key: nil, message: "\(error)")]
        }
    }

    /// One `lines` channel called `name`.
    public static func lineChannel(_ name: String = "lines-test", extra: String = "") throws -> ConfiguredChannel {
        try load("[[channel]]\nname = \"\(name)\"\ntype = \"lines\"\n\(extra)").channels[0]
    }
}
