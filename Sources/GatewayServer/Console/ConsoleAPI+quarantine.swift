import Foundation
import GatewayCore
import Hummingbird
import NIOCore

/// Quarantine entries, their raw inputs, and replaying one input.
extension ConsoleAPI {
    func addQuarantineRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/v1/console/quarantine") { request, _ in
            let grant = try access.require(request)
            let limit = try Self.limit(request, default: 100, maximum: 1_000)
            let entries = try await store.quarantined(limit: limit).map { ConsoleViews.quarantineEntry($0, pii: grant.pii) }
            // The console offers the raw input's download only to who may have it.
            return try ConsoleJSON.response(ConsoleViews.QuarantineList(entries: entries, rawDownloadable: grant.pii))
        }
        // The raw bytes hold the customer's personal data as they sent it: scope pii too.
        router.get("/v1/console/raw/:sha256") { request, context in
            let grant = try access.require(request)
            guard grant.pii else {
                throw APIError(.forbidden, code: "insufficient_scope", message: "downloading a raw input needs a token with scope pii")
            }
            return try await raw(context.parameters.get("sha256") ?? "")
        }
        router.post("/v1/console/quarantine/:sha256/replay") { request, context in
            let grant = try access.require(request, changing: true)
            let sha256 = try Self.digest(context.parameters.get("sha256") ?? "")
            let dryRun = request.uri.queryParameters.get("dry_run") != "false"
            let channel = request.uri.queryParameters.get("channel")
            if let channel, live.current.channel(named: channel) == nil {
                throw APIError(.notFound, code: "unknown_channel", message: "no channel named \(channel) is configured")
            }
            let summary = try await Replayer(pipeline: pipeline, diffSamples: 20)
                .run(ReplayFilter(channel: channel, sha256: sha256), channels: live.current.channels, dryRun: dryRun)
            guard summary.inputs > 0 || !summary.missingObjects.isEmpty || !summary.unknownChannels.isEmpty else {
                throw APIError(.notFound, code: "unknown_input", message: "no archived input \(sha256.prefix(12))… was ingested")
            }
            if !dryRun { notifyFollowers() }
            return try ConsoleJSON.response(ConsoleViews.replayResult(summary, dryRun: dryRun, pii: grant.pii))
        }
    }

    static func digest(_ text: String) throws -> String {
        guard text.count == 64, text.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw APIError(.badRequest, code: "bad_parameter", message: "a raw input is named by its 64-digit lowercase SHA-256")
        }
        return text
    }

    /// The archived bytes, streamed in chunks (an mbox can be gigabytes).
    func raw(_ text: String) async throws -> Response {
        let sha256 = try Self.digest(text)
        let url = pipeline.archive.url(for: sha256)
        let handle: FileHandle
        do {
            handle = try await BlockingIO.run { try FileHandle(forReadingFrom: url) }
        } catch {
            throw APIError(.notFound, code: "unknown_input", message: "no archived input \(sha256.prefix(12))…")
        }
        let size = try await BlockingIO.run { try handle.seekToEnd() }
        try await BlockingIO.run { try handle.seek(toOffset: 0) }
        let body = ResponseBody(contentLength: Int(size)) { writer in
            defer { try? handle.close() }
            while true {
                let chunk = try await BlockingIO.run { try handle.read(upToCount: 64 * 1024) ?? Data() }
                if chunk.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "application/octet-stream", .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"\(sha256.prefix(16)).raw\"",
        ], body: body)
    }

    /// Live streams in this process wake for what a replay committed.
    func notifyFollowers() {
        notifier.notify()
    }
}
