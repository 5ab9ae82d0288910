import Foundation

/// A rate written `N/unit` in `channels.conf` (`30/minute`, `5/second`, `1000/hour`).
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// Events allowed per `period`; also the burst a token bucket may spend at once.
    public var count: Int
    public var period: Duration

    public init(count: Int, period: Duration) {
        self.count = count
        self.period = period
    }

    /// Events per second.
    public var perSecond: Double {
        let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
        return Double(count) / seconds
    }

    static let units: [(names: [String], period: Duration)] = [
        (["s", "sec", "second"], .seconds(1)),
        (["m", "min", "minute"], .seconds(60)),
        (["h", "hour"], .seconds(3600)),
    ]

    /// Parses `N/unit`; nil when the text is not one.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0].trimmingCharacters(in: .whitespaces)), count > 0 else { return nil }
        let unit = parts[1].trimmingCharacters(in: .whitespaces).lowercased()
        guard let match = Self.units.first(where: { $0.names.contains(unit) || $0.names.contains { unit == $0 + "s" } }) else {
            return nil
        }
        self.init(count: count, period: match.period)
    }

    public var description: String {
        let name = Self.units.first { $0.period == period }?.names.last ?? "\(period)"
        return "\(count)/\(name)"
    }

    /// How to write one, for messages.
    public static let syntax = "N/second, N/minute or N/hour (e.g. \"30/minute\")"
}
