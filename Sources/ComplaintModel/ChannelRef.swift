/// The configured channel a complaint arrived through.
public struct ChannelRef: Sendable, Equatable, Hashable, Codable {
    /// The channel's unique `name` in `channels.conf`.
    public var name: String
    /// The plugin type (`call_log`, `email`, `webform`, `social_feed`...).
    public var type: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }
}
