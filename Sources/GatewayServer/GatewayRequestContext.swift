import Hummingbird
import NIOCore

/// The request context of the gateway's server: Hummingbird's core storage
/// plus the client's address (for per-client rate limits and abuse review).
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The connection, to stop reading a body that takes too long.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The client's IP address as text, or "unknown".
    public var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
