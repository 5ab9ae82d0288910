import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayCore

/// POSTs each event as a CloudEvent in structured mode
/// (`application/cloudevents+json`), signed with `X-Signature: sha256=<hex
/// HMAC-SHA256 of the body>` when the sink has a secret. Any 2xx is delivered.
public struct WebhookDelivery: FeedDelivery {
    public let url: URL
    public let secret: SecretValue?
    public let timeout: Duration
    private let session: URLSession

    public init(url: URL, secret: SecretValue?, timeout: Duration) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = Double(timeout.components.seconds)
        session = URLSession(configuration: configuration)
    }

    public func deliver(_ event: FeedEvent) async throws {
        let body = Data(try CloudEvent(event).jsonLine().utf8)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/cloudevents+json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        if let secret { request.setValue(RequestSignature.sign(body, secret: secret), forHTTPHeaderField: RequestSignature.headerName) }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw DeliveryError("POST \(url.absoluteString): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw DeliveryError("POST \(url.absoluteString): HTTP \(status) \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
    }
}
