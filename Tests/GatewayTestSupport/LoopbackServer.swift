import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A TCP server on a loopback address whose every byte the test writes: a
/// hostile feed server (endless bodies, gzip bombs, 1 byte a second,
/// redirects inward) or a hostile IMAP server. One thread per connection,
/// since each handler blocks on its socket like a real server's would.
///
/// `stop()` closes the listening socket and every open connection, so the
/// handlers' reads and writes fail and their threads end.
public final class LoopbackServer: Sendable {
    public let host: String
    public let port: Int
    private let listener: Int32
    /// Open connections. A descriptor leaves the set when it is closed, under
    /// the lock, so `stop` never shuts down a number the process reused since.
    let connections = Mutex<Set<Int32>>([])
    private let accepted = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    /// Connections accepted so far.
    public var connectionCount: Int { accepted.load(ordering: .relaxed) }
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    public init(host: String = "127.0.0.1", handler: @escaping @Sendable (LoopbackConnection) -> Void) throws {
        self.host = host
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw Failure("socket: \(errno)") }
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, host, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { close(listener); throw Failure("bind \(host): \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        // The accept thread closes the listener itself when it ends: closed by
        // `stop` instead, its number could be reused before accept returned.
        Thread.detachNewThread { [self] in
            defer { close(listener) }
            while !isStopped {
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else {
                    if errno == EINTR { continue }
                    return
                }
                accepted.add(1, ordering: .relaxed)
                connections.withLock { _ = $0.insert(fd) }
                Thread.detachNewThread {
                    let connection = LoopbackConnection(fd: fd, server: self)
                    handler(connection)
                    connection.close()
                }
            }
        }
    }

    deinit { stop() }

    public var base: String { "http://\(host):\(port)" }

    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        connections.withLock { open in
            for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}

/// One accepted connection, for a handler to read and write.
public struct LoopbackConnection: Sendable {
    public let fd: Int32
    let server: LoopbackServer

    /// Bytes up to and including `terminator` (at most 64 KiB), nil when the peer closed.
    public func read(until terminator: String = "\r\n\r\n") -> String? {
        var data: [UInt8] = []
        let end = Array(terminator.utf8)
        var byte: UInt8 = 0
        while data.count < 65_536 {
            let n = recv(fd, &byte, 1, 0)
            guard n == 1 else { return nil }
            data.append(byte)
            if data.count >= end.count, data.suffix(end.count).elementsEqual(end) { return String(decoding: data, as: UTF8.self) }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes all of `bytes`; false once the peer is gone or the server stopped.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        guard !server.isStopped else { return false }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    public func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Closes the connection (once; the server closes it when the handler returns).
    public func close() {
        server.connections.withLock { open in
            if open.remove(fd) != nil { _ = Glibc.close(fd) }
        }
    }
}
