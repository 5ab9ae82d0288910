import Foundation

/// A channel ready to run: its settings, its plugin and the parser built for it.
public struct ConfiguredChannel: Sendable {
    public var settings: ChannelSettings
    public var plugin: any ChannelPlugin
    public var parser: any ChannelParser
    /// How the channel takes HTTP posts, when its plugin takes any.
    public var httpIntake: HTTPIntake?
    /// What the server polls for the channel, when its plugin polls.
    public var pollTargets: [PollTarget]
    /// What the server fetches for the channel one input at a time (IMAP folders).
    public var remoteSources: [any RemoteSource]
    /// Attributes that are not personal (`ChannelPlugin.sharedAttributes`).
    public var sharedAttributes: Set<String>

    public var name: String { settings.name }

    public init(settings: ChannelSettings, plugin: any ChannelPlugin, parser: any ChannelParser, httpIntake: HTTPIntake? = nil,
                pollTargets: [PollTarget] = [], remoteSources: [any RemoteSource] = []) {
        self.settings = settings
        self.plugin = plugin
        self.parser = parser
        self.httpIntake = httpIntake
        self.pollTargets = pollTargets
        self.remoteSources = remoteSources
        self.sharedAttributes = plugin.sharedAttributes(settings)
    }
}
