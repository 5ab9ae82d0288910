import Foundation
import ComplaintModel
import GatewayCore
import Hummingbird

/// Replays with the CLI's filters: a dry run answered at once with a diff
/// sample, a real run started in the background and followed by polling.
extension ConsoleAPI {
    struct ReplayRequest: Decodable {
        var channel: String?
        var since: String?
        var quarantined: Bool?
        var dryRun: Bool?

        enum CodingKeys: String, CodingKey {
            case channel, since, quarantined
            case dryRun = "dry_run"
        }
    }

    func addReplayRoutes(to router: Router<GatewayRequestContext>) {
        router.post("/v1/console/replays") { request, context in
            let grant = try access.require(request, changing: true)
            let body = try await request.body.collect(upTo: 16 * 1024)
            let asked: ReplayRequest
            do {
                asked = try JSONDecoder().decode(ReplayRequest.self, from: body)
            } catch {
                throw APIError(.badRequest, code: "bad_request", message: "send JSON {channel, since, quarantined, dry_run}")
            }
            let filter = try replayFilter(asked)
            let channels = live.current.channels
            if asked.dryRun ?? true {
                let summary = try await Replayer(pipeline: pipeline, diffSamples: 20).run(filter, channels: channels, dryRun: true)
                return try ConsoleJSON.response(ConsoleViews.replayResult(summary, dryRun: true, pii: grant.pii))
            }
            let replayer = Replayer(pipeline: pipeline, diffSamples: 0)
            let replays = self.replays, notifier = self.notifier
            // Run by the replays service (`ConsoleReplayJobs`), not by this request.
            let started = replays.start(filter) { id in
                { try await replayer.run(filter, channels: channels, dryRun: false) { summary in
                    replays.progress(id, summary)
                    notifier.notify()
                } }
            }
            guard let id = started else {
                throw APIError(.conflict, code: "replay_running", message: "a replay is already running; wait for it to finish")
            }
            return try ConsoleJSON.response(view(try required(id)), status: .accepted)
        }
        router.get("/v1/console/replays/:id") { request, context in
            _ = try access.require(request)
            return try ConsoleJSON.response(view(try required(context.parameters.get("id") ?? "")))
        }
    }

    private func required(_ id: String) throws -> ConsoleReplayJobs.Job {
        guard let job = replays.job(id) else { throw APIError(.notFound, code: "not_found", message: "no replay \(id)") }
        return job
    }

    func replayFilter(_ asked: ReplayRequest) throws -> ReplayFilter {
        if let channel = asked.channel, !channel.isEmpty, live.current.channel(named: channel) == nil {
            throw APIError(.notFound, code: "unknown_channel", message: "no channel named \(channel) is configured")
        }
        var since: Date?
        if let text = asked.since, !text.isEmpty {
            guard let date = RFC3339.date(from: text) ?? RFC3339.date(from: text + "T00:00:00Z") else {
                throw APIError(.badRequest, code: "bad_parameter", message: "since must be a date (2026-11-27) or an RFC 3339 time")
            }
            since = date
        }
        return ReplayFilter(channel: asked.channel?.isEmpty == false ? asked.channel : nil, since: since,
                            quarantinedOnly: asked.quarantined ?? false)
    }

    func view(_ job: ConsoleReplayJobs.Job) -> ConsoleViews.ReplayJob {
        var filter: [String: String] = [:]
        filter["channel"] = job.filter.channel
        filter["since"] = job.filter.since.map(RFC3339.string(from:))
        if job.filter.quarantinedOnly { filter["quarantined"] = "true" }
        let s = job.summary
        return ConsoleViews.ReplayJob(id: job.id, state: job.state, filter: filter, remainingAtStart: s.remainingAtStart, inputs: s.inputs,
                                      unchanged: s.counts.unchanged, updated: s.counts.updated, new: s.counts.new,
                                      stillFailing: s.counts.quarantined, skipped: s.counts.skipped, error: job.error, startedAt: job.startedAt, finishedAt: job.finishedAt)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
