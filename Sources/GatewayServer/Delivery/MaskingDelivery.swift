import GatewayCore

/// Masks personal data (`PIIMask`) before the next delivery sees the event:
/// what a sink without `pii = true` sends is what a token without the `pii`
/// scope reads from the API.
struct MaskingDelivery: FeedDelivery {
    let next: any FeedDelivery
    let privacy: PersonalDataPolicy

    func deliver(_ event: FeedEvent) async throws {
        // An incident event's samples were masked when it was made.
        try await next.deliver(event.mapComplaint { PIIMask.apply($0, policy: privacy) })
    }
}
