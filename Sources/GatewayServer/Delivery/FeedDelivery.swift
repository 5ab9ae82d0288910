import GatewayCore

/// Delivers one feed event somewhere (a webhook, a file). Throws when the
/// event was not delivered; the `SinkService` retries.
public protocol FeedDelivery: Sendable {
    func deliver(_ event: FeedEvent) async throws
}

/// Why a delivery failed, in words for the dead-letter list.
public struct DeliveryError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The delivery a `[[sink]]` describes: personal data masked with `privacy`
/// unless the sink says `pii = true`.
public func makeDelivery(for sink: SinkSettings, privacy: PersonalDataPolicy) throws -> any FeedDelivery {
    let delivery: any FeedDelivery
    switch sink.kind {
    case .webhook:
        guard let url = sink.url else { throw DeliveryError("sink \(sink.name) has no url") }
        delivery = WebhookDelivery(url: url, secret: sink.secret, timeout: sink.timeout)
    case .ndjson:
        guard let path = sink.path else { throw DeliveryError("sink \(sink.name) has no path") }
        delivery = try NDJSONFileDelivery(folder: path, rotateBytes: sink.rotateBytes)
    }
    return sink.pii ? delivery : MaskingDelivery(next: delivery, privacy: privacy)
}
