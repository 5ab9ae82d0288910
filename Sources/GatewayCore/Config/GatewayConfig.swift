import Foundation

/// The whole validated `channels.conf`.
public struct GatewayConfig: Sendable {
    /// The file it was read from, as given.
    public var file: String
    public var server: ServerSettings
    public var storage: StorageSettings
    public var archive: ArchiveSettings
    /// The dedup stage's windows and thresholds.
    public var dedup: DedupSettings
    /// Bearer tokens of the HTTP API.
    public var tokens: [APIToken]
    /// Where `serve` pushes the feed.
    public var sinks: [SinkSettings]
    /// Every configured channel, in file order.
    public var channels: [ChannelSettings]
    /// Secrets only serving HTTP needs (tokens, webhook keys, form signature
    /// keys) that could not be resolved, when the loader was told to defer
    /// them: warnings for `check`, problems only for `serve`.
    public var deferredSecrets: [ConfigProblem] = []

    public init(file: String, server: ServerSettings = ServerSettings(), storage: StorageSettings, archive: ArchiveSettings,
                dedup: DedupSettings = DedupSettings(), tokens: [APIToken] = [], sinks: [SinkSettings] = [], channels: [ChannelSettings]) {
        self.tokens = tokens
        self.sinks = sinks
        self.file = file
        self.server = server
        self.storage = storage
        self.archive = archive
        self.dedup = dedup
        self.channels = channels
    }

    /// The channel called `name`.
    public func channel(named name: String) -> ChannelSettings? {
        channels.first { $0.name == name }
    }
}
