import Foundation

/// The whole validated `channels.conf`.
public struct GatewayConfig: Sendable {
    /// The file it was read from, as given.
    public var file: String
    public var storage: StorageSettings
    public var archive: ArchiveSettings
    /// Every configured channel, in file order.
    public var channels: [ChannelSettings]

    public init(file: String, storage: StorageSettings, archive: ArchiveSettings, channels: [ChannelSettings]) {
        self.file = file
        self.storage = storage
        self.archive = archive
        self.channels = channels
    }

    /// The channel called `name`.
    public func channel(named name: String) -> ChannelSettings? {
        channels.first { $0.name == name }
    }
}
