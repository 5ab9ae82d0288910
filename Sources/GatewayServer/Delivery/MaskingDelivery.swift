import GatewayCore

/// Masks personal data (`PIIMask`) before the next delivery sees the event:
/// what a sink without `pii = true` sends is what a token without the `pii`
/// scope reads from the API.
struct MaskingDelivery: FeedDelivery {
    let next: any FeedDelivery
    let privacy: PersonalDataPolicy

    func deliver(_ event: FeedEvent) async throws {
        var masked = event
        masked.complaint = PIIMask.apply(event.complaint, policy: privacy)
        try await next.deliver(masked)
    }
}
