import Foundation
import GatewayCore
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

    /// The peer's IP address as text, or "unknown".
    public var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }

    /// The client's address: the peer's, or, when the peer is a trusted
    /// proxy, the last `X-Forwarded-For` address that is not a trusted proxy
    /// itself (addresses further left were written by the client and can be forged).
    public func clientAddress(of request: Request, trusting proxies: [NetworkRange]) -> String {
        let peer = clientAddress
        guard !proxies.isEmpty, proxies.contains(where: { $0.contains(peer) }) else { return peer }
        let forwarded = request.headers[values: .init("X-Forwarded-For")!]
            .flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for address in forwarded.reversed() {
            guard NetworkRange(address) != nil else { break }  // garbage: stop trusting the chain here
            if !proxies.contains(where: { $0.contains(address) }) { return address }
        }
        return peer
    }
}
