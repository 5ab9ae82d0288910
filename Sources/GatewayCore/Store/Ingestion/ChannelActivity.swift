import Foundation

/// What one channel has done lately, from the store (the console's channel list).
public struct ChannelActivity: Sendable, Equatable {
    public var channel: String
    /// New complaints stored from its inputs received since the hour and day asked.
    public var complaintsLastHour: Int
    public var complaintsLastDay: Int
    /// Quarantine entries, all time and since the day asked.
    public var quarantined: Int
    public var quarantinedLastDay: Int
    public var lastInputAt: Date?

    public init(channel: String, complaintsLastHour: Int = 0, complaintsLastDay: Int = 0, quarantined: Int = 0,
                quarantinedLastDay: Int = 0, lastInputAt: Date? = nil) {
        self.channel = channel
        self.complaintsLastHour = complaintsLastHour
        self.complaintsLastDay = complaintsLastDay
        self.quarantined = quarantined
        self.quarantinedLastDay = quarantinedLastDay
        self.lastInputAt = lastInputAt
    }
}
