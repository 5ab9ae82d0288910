import NIOCore
import NIOPosix

/// Binds the listen address once and lets it go, before `serve` recovers
/// inputs or starts a watcher: a port already in use (another gateway, a
/// stale process) is one clear line and exit 78 at once, instead of a
/// half-started server that logs "serving" and then dies.
public enum ListenAddressCheck {
    public struct Unavailable: Error, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var reason: String
        public var description: String { "cannot listen on \(host):\(port): \(reason)" }
    }

    /// Throws `Unavailable` when `host:port` cannot be bound now.
    public static func verify(host: String, port: Int) async throws {
        guard port != 0 else { return }  // any free port will do
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            // As the server itself binds: a port left in TIME_WAIT is free.
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            try await channel.close()
        } catch let error as IOError {
            throw Unavailable(host: host, port: port, reason: error.errnoCode == EADDRINUSE ? "address already in use" : "\(error)")
        } catch {
            throw Unavailable(host: host, port: port, reason: "\(error)")
        }
    }
}
