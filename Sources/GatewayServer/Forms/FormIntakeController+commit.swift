import Foundation
import HTTPTypes
import ComplaintModel
import GatewayCore
import Hummingbird
import Synchronization

/// A post after its checks: archived, committed within the store timeout,
/// answered from what the commit reports.
extension FormIntakeController {
    /// Stores the body in the raw archive; 503 when the archive cannot.
    func archive(_ body: Data, channel name: String) async throws -> ArchivedObject {
        // Durable before anything else happens to it.
        let archive = pipeline.archive
        do {
            return try await BlockingIO.run { try archive.store(data: body) }
        } catch {
            logger.error("cannot archive a form post", metadata: ["channel": "\(name)", "error": "\(error)"])
            throw APIError(.serviceUnavailable, code: "archive_unavailable",
                           message: "the raw archive cannot store the post; nothing was accepted, retry later",
                           headers: [.retryAfter: "5"])
        }
    }

    /// Runs the archived post through the pipeline with what arrived with it;
    /// 503 when the store does not commit it within the store timeout.
    func commit(_ object: ArchivedObject, admitted: AdmittedPost, request: Request, context: GatewayRequestContext,
                form: FormChannel) async throws -> IngestReport {
        let name = form.channel.name, key = admitted.idempotencyKey, contentType = admitted.contentType
        var metadata = [HTTPIntake.MetadataKey.remoteAddress: context.clientAddress(of: request, trusting: trustedProxies)]
        if let key { metadata[HTTPIntake.MetadataKey.idempotencyKey] = key }
        if let agent = request.headers[.userAgent] { metadata[HTTPIntake.MetadataKey.userAgent] = String(agent.prefix(512)) }
        do {
            return try await withinStoreTimeout { [pipeline, metadata] in
                try await pipeline.processReporting(object, sourceName: "POST /v1/forms/\(name)", channel: form.channel,
                                                    mediaType: contentType, metadata: metadata)
            }
        } catch {
            // The post is archived and its ingestion stays "processing": recovery
            // finishes it, but the client was not told it succeeded, so it retries.
            throw APIError.storeUnavailable(error)
        }
    }

    /// 202 with the complaint's id, or the error the commit's report calls for.
    func answer(_ report: IngestReport, object: ArchivedObject, idempotencyKey key: String?, request: Request, form: FormChannel,
                cors: HTTPFields) throws -> Response {
        let name = form.channel.name
        if let rejection = report.rejections.first {
            switch rejection.kind {
            case .spam, .held:
                // Accepted-looking, so a bot learns nothing; quarantined for review.
                let decoy = ComplaintIdentity.id(channel: name, sourceID: "spam:\(object.sha256)")
                logger.notice("form post flagged as spam", metadata: ["channel": "\(name)", "raw": "\(object.sha256)", "reason": "\(PersonalTextScrubber().scrub(rejection.reason))"])
                return respond(request, form: form, accepted: Accepted(id: decoy, channel: name, status: "accepted"), cors: cors)
            case .invalid:
                throw APIError(.unprocessableContent, code: "validation_failed",
                               message: "the form has \(rejection.fields.count) invalid field\(rejection.fields.count == 1 ? "" : "s")",
                               fields: rejection.fields)
            case .malformed:
                throw APIError(.badRequest, code: "malformed_body", message: rejection.description)
            case .conflict:
                // Decided inside the write transaction: of concurrent posts reusing
                // one key or submission id with different bodies, exactly one wins.
                if let key {
                    throw APIError(.unprocessableContent, code: "idempotency_key_reused",
                                   message: "Idempotency-Key \(key) was used before with a different body; use a new key for a new submission")
                }
                throw APIError(.unprocessableContent, code: "submission_id_reused",
                               message: "this submission id was used before with a different body; a new submission needs a new id")
            }
        }
        guard let id = report.complaintIDs.first else {
            throw APIError(.unprocessableContent, code: "no_complaint", message: "the post held no complaint")
        }
        let status = report.counts.unchanged > 0 ? "duplicate" : "accepted"
        return respond(request, form: form, accepted: Accepted(id: id, channel: name, status: status), cors: cors)
    }

    /// Runs `work` (the commit of an archived post) and waits at most
    /// `storeTimeout` for it. The work is not cancelled at the deadline: it may
    /// still commit, which is harmless, since the client was not told it
    /// succeeded and its retry is the same submission (same key or body, same
    /// complaint id). What must not happen is a client waiting forever on a
    /// store that stopped answering.
    func withinStoreTimeout(_ work: @escaping @Sendable () async throws -> IngestReport) async throws -> IngestReport {
        let processing = Task { try await work() }
        let timeout = storeTimeout
        // Not a task group: a group waits for all its children, and a child
        // awaiting `processing` would keep the answer waiting for the store.
        return try await withCheckedThrowingContinuation { continuation in
            let answered = Answered()
            let deadline = Task {
                // Cancelled as soon as the commit answers: no timer outlives its post.
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                if answered.claim() {
                    continuation.resume(throwing: StoreUnavailableError(reason: "the store did not commit the post within \(timeout)"))
                }
            }
            Task {
                let result: Result<IngestReport, any Error>
                do { result = .success(try await processing.value) } catch { result = .failure(error) }
                deadline.cancel()
                if answered.claim() { continuation.resume(with: result) }
            }
        }
    }
}

/// Whether a request was answered: the first of two racing tasks claims it.
private final class Answered: Sendable {
    private let done = Atomic<Bool>(false)

    func claim() -> Bool {
        !done.exchange(true, ordering: .acquiringAndReleasing)
    }
}
