import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw loopback HTTP/1.1 client for Server-Sent Events: it reads the chunked
/// stream as it arrives and can drop the connection mid-stream, which a
/// URLSession data task cannot do portably.
final class SSEConnection {
    let fd: Int32
    private var raw: [UInt8] = []
    private var headerDone = false
    private var decoded = ""
    /// Events parsed so far: (id, event, data).
    private(set) var events: [(id: Int64, type: String, data: String)] = []
    private(set) var comments: [String] = []
    /// Events without an id (`feed.opened`): (event, data).
    private(set) var unnumbered: [(type: String, data: String)] = []
    private(set) var statusLine = ""

    init(port: Int, path: String = "/v1/stream", headers: [String: String] = [:]) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }

    /// Ends the stream from this side (so the server's graceful shutdown need not wait for it).
    func disconnect() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Reads until `condition` holds or `timeout` passes; returns whether it held.
    ///
    /// The blocking socket reads run on a thread of their own: blocking one of
    /// the few Swift concurrency threads would starve the server under test.
    @discardableResult
    func read(until condition: @escaping @Sendable (SSEConnection) -> Bool, timeout: Duration = .seconds(10)) async -> Bool {
        let box = UncheckedBox(self)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: box.value.readBlocking(until: condition, timeout: timeout))
            }
        }
    }

    private func readBlocking(until condition: (SSEConnection) -> Bool, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !condition(self) {
            if ContinuousClock.now > deadline { return false }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 {
                raw += buffer[0..<n]
                parse()
            } else if n == 0 {
                return condition(self)
            }
        }
        return true
    }

    private func parse() {
        if !headerDone {
            guard let end = find([13, 10, 13, 10], in: raw) else { return }
            statusLine = String(decoding: raw[..<raw.firstIndex(of: 13)!], as: UTF8.self)
            raw.removeFirst(end + 4)
            headerDone = true
        }
        // Chunked transfer coding: size line, data, CRLF.
        while let lineEnd = find([13, 10], in: raw) {
            guard let size = Int(String(decoding: raw[..<lineEnd], as: UTF8.self), radix: 16) else { return }
            guard raw.count >= lineEnd + 2 + size + 2 else { return }
            decoded += String(decoding: raw[(lineEnd + 2)..<(lineEnd + 2 + size)], as: UTF8.self)
            raw.removeFirst(lineEnd + 2 + size + 2)
        }
        while let range = decoded.range(of: "\n\n") {
            let block = decoded[..<range.lowerBound]
            decoded = String(decoded[range.upperBound...])
            var id: Int64? = nil, type = "message", data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix(":") { comments.append(String(line)) }
                else if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                else if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                else if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            if let id { events.append((id, type, data)) } else if !data.isEmpty { unnumbered.append((type, data)) }
        }
    }

    private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

/// Hands the connection to the reading thread. Safe because the test awaits
/// that thread before touching the connection again: one user at a time.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
