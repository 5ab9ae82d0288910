import GatewayCore

/// A channel that takes form posts, with its rate limiters.
struct FormChannel: Sendable {
    var channel: ConfiguredChannel
    var intake: HTTPIntake
    var clientLimiter: RateLimiter?
    var channelLimiter: RateLimiter?

    /// The channel's limiters are new, or `previous`'s when its limits are
    /// unchanged, so a reload does not hand every client a fresh allowance.
    init(channel: ConfiguredChannel, intake: HTTPIntake, previous: FormChannel?) {
        self.channel = channel
        self.intake = intake
        if let previous, previous.intake.clientRate == intake.clientRate {
            clientLimiter = previous.clientLimiter
        } else {
            clientLimiter = intake.clientRate.map { RateLimiter(limit: $0) }
        }
        if let previous, previous.intake.channelRate == intake.channelRate {
            channelLimiter = previous.channelLimiter
        } else {
            channelLimiter = intake.channelRate.map { RateLimiter(limit: $0) }
        }
    }
}
