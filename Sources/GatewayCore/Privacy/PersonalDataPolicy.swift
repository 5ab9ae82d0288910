/// Which attributes of each channel's complaints say nothing about a person,
/// for readers without the `pii` scope (see `PIIMask`).
///
/// An allow-list, declared by each plugin for its own attributes
/// (`ChannelPlugin.sharedAttributes`): an attribute a plugin does not name, an
/// undeclared form field, or any attribute of a channel that is no longer
/// configured is treated as personal and masked. Forgetting to declare an
/// attribute hides too much, never too little.
public struct PersonalDataPolicy: Sendable {
    /// Shared (not personal) attribute keys per channel name.
    var shared: [String: Set<String>]

    public init(shared: [String: Set<String>] = [:]) {
        self.shared = shared
    }

    /// The policy of the configured channels.
    public init(channels: [ConfiguredChannel]) {
        var shared: [String: Set<String>] = [:]
        for channel in channels { shared[channel.name] = channel.sharedAttributes }
        self.init(shared: shared)
    }

    /// Whether readers without `pii` may see `attribute` of a complaint from `channel`.
    public func isShared(_ attribute: String, channel: String) -> Bool {
        shared[channel]?.contains(attribute) ?? false
    }
}
