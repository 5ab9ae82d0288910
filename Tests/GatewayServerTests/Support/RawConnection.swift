import Foundation

/// A loopback TCP connection driven byte by byte, to act as a hostile client
/// (slow headers, a lying Content-Length, a chunked body left open). Every
/// wait has a deadline, so a server that never answers fails the test instead
/// of hanging it.
final class RawConnection: Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawConnectionError.socket(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw RawConnectionError.connect(errno)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RawConnectionError.send(errno)
            }
            offset += n
        }
    }

    /// What the server sent once it contains `marker` (or the connection
    /// closed); nil if neither happened within `deadline`.
    func read(until marker: String, deadline: Duration) async -> String? {
        await readUntilClosed(deadline: deadline, stopAt: marker)
    }

    /// Everything the server sends until it closes the connection, or nil if
    /// it has not closed it within `deadline`.
    ///
    /// The wait blocks a thread of its own, never one of Swift concurrency's
    /// few shared threads: on a 2-core machine two blocked readers would leave
    /// the server no thread to answer them on.
    func readUntilClosed(deadline: Duration, stopAt marker: String? = nil) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: self.blockingRead(deadline: deadline, stopAt: marker))
            }
        }
    }

    private func blockingRead(deadline: Duration, stopAt marker: String?) -> String? {
        let end = ContinuousClock.now + deadline
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < end {
            let left = end - ContinuousClock.now
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&pfd, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return String(decoding: data, as: UTF8.self) }  // closed (or reset)
            data += buffer[0..<n]
            if let marker, String(decoding: data, as: UTF8.self).contains(marker) { return String(decoding: data, as: UTF8.self) }
        }
        return nil
    }
}

enum RawConnectionError: Error {
    case socket(Int32), connect(Int32), send(Int32)
}
