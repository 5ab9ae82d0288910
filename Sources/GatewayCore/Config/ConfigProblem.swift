/// One thing wrong in a configuration file, located so an admin can fix it:
/// `channels.conf:14: channel "hotline" key encoding: unknown charset "gbx"`.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line, or nil when the problem is about something missing from the file.
    public var line: Int?
    /// The key at fault as a dotted path (`storage.path`, `channel[1].encoding`).
    public var key: String?
    public var message: String

    public init(file: String, line: Int?, key: String?, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let key { s += "\(key): " }
        return s + message
    }
}

/// Thrown when a configuration has problems; carries every one of them, so an
/// admin fixes the file in one pass instead of one error at a time.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(_ problems: [ConfigProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
