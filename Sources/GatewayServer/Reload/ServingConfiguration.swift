import GatewayCore

/// The part of `channels.conf` that `serve` applies without restarting its
/// listener: channels, tokens and sinks, with what is derived from them.
///
/// Immutable; a reload builds the next one and swaps it in whole
/// (`LiveConfiguration`), so a request or an input in progress keeps the
/// configuration it started with.
public struct ServingConfiguration: Sendable {
    /// Counts reloads: 0 at start-up, +1 for each applied reload.
    public let generation: Int
    public let channels: [ConfiguredChannel]
    public let tokens: [APIToken]
    public let sinks: [SinkSettings]
    public let auth: TokenAuthenticator
    /// What readers without the `pii` scope see of each channel's complaints.
    public let privacy: PersonalDataPolicy
    /// The channels that take form posts, by name.
    let forms: [String: FormChannel]

    init(generation: Int, channels: [ConfiguredChannel], tokens: [APIToken], sinks: [SinkSettings], previous: ServingConfiguration?) {
        self.generation = generation
        self.channels = channels
        self.tokens = tokens
        self.sinks = sinks
        auth = TokenAuthenticator(tokens: tokens)
        privacy = PersonalDataPolicy(channels: channels)
        var forms: [String: FormChannel] = [:]
        for channel in channels {
            guard let intake = channel.httpIntake else { continue }
            forms[channel.name] = FormChannel(channel: channel, intake: intake, previous: previous?.forms[channel.name])
        }
        self.forms = forms
    }

    public func channel(named name: String) -> ConfiguredChannel? {
        channels.first { $0.name == name }
    }
}

extension ConfiguredChannel {
    /// Whether two channels are configured alike (same type, same keys and
    /// values): a reload restarts a channel only when this is false.
    public func isConfiguredLike(_ other: ConfiguredChannel) -> Bool {
        settings.type == other.settings.type && settings.values == other.settings.values
    }
}
