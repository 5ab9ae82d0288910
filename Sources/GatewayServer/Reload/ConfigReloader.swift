import GatewayCore
import Logging

/// Where a reload reads the configuration from: `channels.conf` through the
/// loader with the built-in plugins (the server knows no plugin itself).
public typealias ConfigSource = @Sendable () throws(ConfigError) -> (config: GatewayConfig, channels: [ConfiguredChannel])

/// Re-reads `channels.conf` for `serve` (SIGHUP, `POST /v1/admin/reload`).
///
/// The new file is validated whole before anything changes: with any problem
/// the running configuration stays and the problems are returned, located as
/// `check` prints them. A valid file replaces the channels, tokens and sinks
/// at once (`LiveConfiguration`); the services then start, stop and restart
/// their workers. `[server]`, `[storage]`, `[archive]`, `[dedup]` and `[incidents]` need a
/// restart; a change there is applied at the next start and said so.
/// Reloads run one at a time.
public actor ConfigReloader {
    let live: LiveConfiguration
    let source: ConfigSource
    /// The configuration the process started with, for the sections a reload cannot change.
    let startup: GatewayConfig
    let logger: Logger

    public init(live: LiveConfiguration, source: @escaping ConfigSource, startup: GatewayConfig, logger: Logger) {
        self.live = live
        self.source = source
        self.startup = startup
        self.logger = logger
    }

    /// Reads, validates and (when valid) applies the file. `trigger` names
    /// what asked, for the log.
    public func reload(trigger: String) -> ReloadOutcome {
        let loaded: (config: GatewayConfig, channels: [ConfiguredChannel])
        do throws(ConfigError) {
            loaded = try source()
            try Self.checkSinks(loaded.config)
        } catch {
            for problem in error.problems {
                logger.error("configuration not reloaded", metadata: ["trigger": "\(trigger)", "problem": "\(problem)"])
            }
            return ReloadOutcome(applied: false, generation: live.current.generation, problems: error.problems)
        }
        let before = live.current
        let after = live.replace(channels: loaded.channels, tokens: loaded.config.tokens, sinks: loaded.config.sinks)
        ChannelMetrics.declare(after)
        var outcome = ReloadOutcome(applied: true, generation: after.generation, problems: [])
        for channel in after.channels {
            guard let old = before.channel(named: channel.name) else {
                outcome.added.append(channel.name)
                continue
            }
            if !old.isConfiguredLike(channel) { outcome.changed.append(channel.name) }
        }
        outcome.removed = before.channels.map(\.name).filter { after.channel(named: $0) == nil }
        outcome.restartRequired = restartOnlySections(of: loaded.config)
        logger.notice("configuration reloaded", metadata: [
            "trigger": "\(trigger)", "generation": "\(after.generation)",
            "added": "\(outcome.added.joined(separator: ","))", "removed": "\(outcome.removed.joined(separator: ","))",
            "changed": "\(outcome.changed.joined(separator: ","))", "tokens": "\(after.tokens.count)",
            "sinks": "\(after.sinks.map(\.name).joined(separator: ","))",
        ])
        if !outcome.restartRequired.isEmpty {
            logger.warning("changed sections apply at the next start", metadata: [
                "sections": "\(outcome.restartRequired.joined(separator: ","))"])
        }
        return outcome
    }

    /// The sections that differ from start-up and that only a restart applies.
    func restartOnlySections(of config: GatewayConfig) -> [String] {
        var sections: [String] = []
        if config.server != startup.server { sections.append("server") }
        if config.storage != startup.storage { sections.append("storage") }
        if config.archive != startup.archive { sections.append("archive") }
        // [incidents] rides with the dedup settings (the stage decides levels) but is its own section.
        var dedup = config.dedup, startupDedup = startup.dedup
        dedup.incidents = IncidentSettings()
        startupDedup.incidents = IncidentSettings()
        if dedup != startupDedup { sections.append("dedup") }
        if config.dedup.incidents != startup.dedup.incidents { sections.append("incidents") }
        return sections
    }

    /// A sink whose delivery cannot be built (an NDJSON folder that cannot be
    /// created) is a problem of the file, found before anything is replaced.
    static func checkSinks(_ config: GatewayConfig) throws(ConfigError) {
        var problems: [ConfigProblem] = []
        for (index, sink) in config.sinks.enumerated() {
            do {
                _ = try makeDelivery(for: sink, privacy: PersonalDataPolicy(channels: []))
            } catch {
                problems.append(ConfigProblem(file: config.file, line: nil, key: "sink[\(index + 1)]", message: "\(error)"))
            }
        }
        if !problems.isEmpty { throw ConfigError(problems) }
    }
}

/// What a reload did, as `POST /v1/admin/reload` answers it.
public struct ReloadOutcome: Sendable, Encodable {
    /// False when the file had problems and the running configuration stayed.
    public var applied: Bool
    /// The configuration generation now in effect.
    public var generation: Int
    public var added: [String] = []
    public var removed: [String] = []
    public var changed: [String] = []
    /// Sections that changed but apply only at the next start.
    public var restartRequired: [String] = []
    public var problems: [ConfigProblem]

    init(applied: Bool, generation: Int, problems: [ConfigProblem]) {
        self.applied = applied
        self.generation = generation
        self.problems = problems
    }

    enum CodingKeys: String, CodingKey {
        case applied, generation, added, removed, changed, problems
        case restartRequired = "restart_required"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(applied, forKey: .applied)
        try container.encode(generation, forKey: .generation)
        try container.encode(added, forKey: .added)
        try container.encode(removed, forKey: .removed)
        try container.encode(changed, forKey: .changed)
        try container.encode(restartRequired, forKey: .restartRequired)
        try container.encode(problems.map(ProblemJSON.init), forKey: .problems)
    }

    /// One problem as `check` prints it, and its parts.
    struct ProblemJSON: Encodable {
        var file: String
        var line: Int?
        var key: String?
        var message: String
        var text: String

        init(_ problem: ConfigProblem) {
            file = problem.file
            line = problem.line
            key = problem.key
            message = problem.message
            text = problem.description
        }
    }
}
