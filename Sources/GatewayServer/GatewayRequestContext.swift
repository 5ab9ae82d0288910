import Hummingbird
import NIOCore

/// The request context of the gateway's server: Hummingbird's core storage
/// plus the client's address (for per-client rate limits and abuse review).
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text, or "unknown".
    public var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
