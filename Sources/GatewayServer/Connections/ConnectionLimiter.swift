import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Counts the server's open connections against `[server] max_connections`.
///
/// Every accepted connection holds a file descriptor until it closes; a flood
/// of idle or slow clients used to exhaust them, after which the server
/// stopped answering and even drop-folder scans failed. Beyond the limit a
/// connection is answered 503 at once and closed, so descriptors are freed as
/// fast as they are taken; health checks are answered whatever the count, so
/// an orchestrator can still tell the process is alive.
public final class ConnectionLimiter: Sendable {
    public let limit: Int
    private let open = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// Connections open now.
    public var count: Int { open.load(ordering: .relaxed) }

    /// Takes a slot; false when the server is full (the slot is still taken:
    /// `release` it when the connection closes, as for any other).
    func acquire() -> Bool {
        open.wrappingAdd(1, ordering: .relaxed).newValue <= limit
    }

    func release() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    /// A handler for one connection's pipeline (after HTTP decoding).
    public func makeHandler() -> any RemovableChannelHandler {
        ConnectionLimitHandler(limiter: self)
    }
}

/// Per connection: takes a slot while the connection is open; over the limit,
/// answers every request but health checks with 503 and closes.
final class ConnectionLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Paths answered even when the server is full.
    static let alwaysServed: Set<String> = ["/healthz", "/readyz"]

    private let limiter: ConnectionLimiter
    private var holdsSlot = false
    private var overLimit = false
    /// Set while a request over the limit is being refused: its parts are dropped.
    private var refusing = false

    init(limiter: ConnectionLimiter) {
        self.limiter = limiter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { take() }
    }

    func channelActive(context: ChannelHandlerContext) {
        take()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        giveBack()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        giveBack()
    }

    private func take() {
        guard !holdsSlot else { return }
        holdsSlot = true
        overLimit = !limiter.acquire()
    }

    private func giveBack() {
        guard holdsSlot else { return }
        holdsSlot = false
        limiter.release()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head(let head) = part, overLimit,
           !Self.alwaysServed.contains(String(head.path?.split(separator: "?", maxSplits: 1).first ?? "")) {
            refusing = true
            refuse(context: context)
            return
        }
        if refusing { return }
        context.fireChannelRead(data)
    }

    private func refuse(context: ChannelHandlerContext) {
        let body = #"{"error":{"code":"too_many_connections","message":"the server has reached [server] max_connections; retry shortly"}}"#
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        var head = HTTPResponse(status: .serviceUnavailable)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = "\(buffer.readableBytes)"
        head.headerFields[.retryAfter] = "1"
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
    }
}
