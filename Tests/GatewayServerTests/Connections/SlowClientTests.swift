import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Testing

/// Hostile HTTP clients: every way of holding a connection open without
/// finishing a request is closed by a timeout, a flood is answered 503 beyond
/// `max_connections`, and health checks answer throughout.
@Suite("Slow and hostile HTTP clients")
struct SlowClientTests {
    let client = TestHTTPClient.shared
    /// Generous: the server closes after 1 s; a loaded machine may take longer.
    static let closeDeadline: Duration = .seconds(30)

    static func port(_ base: URL) -> Int { base.port ?? 0 }

    @Test("idle, slow-header, short-body and unfinished-chunked connections are closed by the idle timeout")
    func idleTimeout() async throws {
        let f = try ServerFixture()
        try await f.withServer(configure: { $0.idleTimeout = 1 }) { base in
            let port = Self.port(base)
            let idle = try RawConnection(port: port)
            let slowHeaders = try RawConnection(port: port)
            try slowHeaders.send("POST /v1/forms/web HTTP/1.1\r\nHost: x\r\nContent-Ty")
            let lyingLength = try RawConnection(port: port)
            try lyingLength.send("POST /v1/forms/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nemail=a")
            let openChunked = try RawConnection(port: port)
            try openChunked.send("POST /v1/forms/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nemail\r\n")
            for (name, connection) in [("idle", idle), ("slow headers", slowHeaders), ("lying Content-Length", lyingLength),
                                       ("unfinished chunked body", openChunked)] {
                #expect(await connection.readUntilClosed(deadline: Self.closeDeadline) != nil, "\(name): the server never closed it")
            }
            // Nothing half-received was stored.
            #expect(try await f.store.feed(after: 0, limit: 10).isEmpty)
            let health = try await client.send("GET", base.appending(path: "healthz"))
            #expect(health.status == 200)
        }
    }

    @Test("a body trickled within the idle timeout still gets 408 after body_timeout_seconds")
    func bodyTimeout() async throws {
        let f = try ServerFixture()
        try await f.withServer(configure: { $0.idleTimeout = 50; $0.bodyTimeout = 1 }) { base in
            let trickle = try RawConnection(port: Self.port(base))
            try trickle.send("POST /v1/forms/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nem")
            let answer = await trickle.read(until: "body_timeout", deadline: .seconds(60))
            let text = try #require(answer, "the server never answered the stalled body")
            #expect(text.hasPrefix("HTTP/1.1 408"), "\(text)")
            #expect(text.contains("body_timeout"))
        }
    }

    @Test("beyond max_connections requests get 503 with Retry-After; health checks still answer")
    func connectionCap() async throws {
        let f = try ServerFixture()
        try await f.withServer(configure: { $0.maxConnections = 4; $0.idleTimeout = 60 }) { base in
            let port = Self.port(base)
            // Four keep-alive connections that hold their slots; each has had an
            // answer, so the server has certainly counted it.
            var held: [RawConnection] = []
            for _ in 0..<4 {
                let connection = try RawConnection(port: port)
                try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(await connection.read(until: "\r\n\r\n", deadline: Self.closeDeadline)?.hasPrefix("HTTP/1.1 200") == true)
                held.append(connection)
            }
            // The next ones are over the limit: every one is answered 503 and closed.
            for _ in 0..<3 {
                let extra = try RawConnection(port: port)
                try extra.send("POST /v1/forms/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nemail=a")
                let text = try #require(await extra.readUntilClosed(deadline: Self.closeDeadline))
                #expect(text.hasPrefix("HTTP/1.1 503"), "\(text)")
                #expect(text.lowercased().contains("retry-after: 1"))
                #expect(text.contains("too_many_connections"))
            }
            for path in ["healthz", "readyz"] {
                let probe = try RawConnection(port: port)
                try probe.send("GET /\(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let text = try #require(await probe.readUntilClosed(deadline: Self.closeDeadline))
                #expect(text.hasPrefix("HTTP/1.1 200"), "\(path): \(text)")
            }
            // Closing the held connections frees their slots.
            _ = held.count
        }
    }

    @Test("a malformed chunk size is a 400, not a 500")
    func malformedChunk() async throws {
        let f = try ServerFixture()
        // The default idle timeout: a short one could close the connection before
        // a handler starved of threads by other tests on a busy machine answers.
        try await f.withServer { base in
            let connection = try RawConnection(port: Self.port(base))
            try connection.send("POST /v1/forms/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nemail=a\r\n0\r\n\r\n")
            let text = try #require(await connection.read(until: "\r\n\r\n", deadline: .seconds(60)))
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(text)")
        }
    }
}
