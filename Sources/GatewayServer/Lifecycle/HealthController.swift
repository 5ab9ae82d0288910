import GatewayCore
import Hummingbird
import Prometheus
import Synchronization

/// `GET /healthz` (the process answers), `GET /readyz` (the store answers,
/// the archive can be written and the channels have started: send traffic),
/// `GET /metrics` (Prometheus text format) and `GET /openapi.json` (the API's
/// contract).
public struct HealthController: Sendable {
    let store: any StorePing
    let archive: RawArchive
    let live: LiveConfiguration
    let readiness: ServerReadiness
    let sources: SourceHealth
    let registry: PrometheusCollectorRegistry

    public init(store: any StorePing, archive: RawArchive, live: LiveConfiguration, readiness: ServerReadiness, sources: SourceHealth = SourceHealth(),
                registry: PrometheusCollectorRegistry) {
        self.sources = sources
        self.store = store
        self.archive = archive
        self.live = live
        self.readiness = readiness
        self.registry = registry
    }

    struct Status: Encodable {
        /// `ok`; `ready`, `degraded` (a channel cannot take input, the rest
        /// can: still 200) or `not_ready` (503).
        var status: String
        var checks: [String: String]?
        /// Per channel: `ok`, or why its input cannot be taken.
        var channels: [String: String]?
    }

    public func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/healthz") { _, _ in
            JSONBody.response(.ok, Status(status: "ok"))
        }
        router.get("/readyz") { _, _ in
            var checks: [String: String] = [:]
            var ready = true
            do {
                try await store.ping()
                checks["store"] = "ok"
            } catch let error as StoreCorruptError {
                checks["store"] = "damaged: \(error.reason)"
                ready = false
            } catch let error as StoreUnavailableError {
                checks["store"] = "unavailable: \(error.reason)"
                ready = false
            } catch {
                checks["store"] = "failing: \(error)"
                ready = false
            }
            // Every input is archived first: an archive that cannot be written
            // (read-only, full disk) means no post can be accepted.
            let archive = self.archive
            if let reason = try await BlockingIO.run({ archive.unwritableReason() }) {
                checks["archive"] = "unwritable: \(reason)"
                ready = false
            } else {
                checks["archive"] = "ok"
            }
            checks["channels"] = readiness.isStopping ? "stopping" : readiness.channelsStarted ? "started" : "starting"
            ready = ready && readiness.channelsStarted && !readiness.isStopping
            // A drop folder that is missing or unreadable is one channel's
            // problem, not the server's: reported, but forms still flow.
            let configuration = live.current
            let channels = try await BlockingIO.run { () -> [String: String] in
                var states: [String: String] = [:]
                for channel in configuration.channels {
                    let problems = channel.watchedFolderProblems()
                    states[channel.name] = problems.isEmpty ? "ok" : problems.map { "\($0.key) \($0.path) \($0.reason)" }.joined(separator: "; ")
                }
                return states
            }.merging(sources.problems()) { folder, source in folder == "ok" ? source : folder + "; " + source }
            let degraded = channels.values.contains { $0 != "ok" }
            return JSONBody.response(ready ? .ok : .serviceUnavailable,
                                     Status(status: ready ? (degraded ? "degraded" : "ready") : "not_ready", checks: checks, channels: channels),
                                     headers: ready ? [:] : [.retryAfter: "1"])
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/schemas/complaint-v1.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/schema+json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: ComplaintSchemaDocument.json)))
        }
        router.get("/schemas/incident-level-v1.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/schema+json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: EventSchemaDocument.incidentLevel)))
        }
        router.get("/schemas/customer-signal-v1.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/schema+json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: EventSchemaDocument.customerSignal)))
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            buffer += ProcessMetrics.text().utf8
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
