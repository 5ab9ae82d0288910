import Foundation
import ComplaintModel
import GatewayCore
import Hummingbird

/// The JSON endpoints behind `/console`, under `/v1/console/` (scope
/// `admin`; personal data unmasked only with `pii`). Split by concern:
/// channels here, `+quarantine`, `+incidents`, `+complaints`, `+customers`, `+replay`.
struct ConsoleAPI: Sendable {
    let pipeline: IngestPipeline
    let live: LiveConfiguration
    let access: ConsoleAccess
    let reloader: ConfigReloader?
    let sources: SourceHealth
    let incidents: IncidentSettings
    /// The `[identity]` settings customer profiles are read with.
    let identity: IdentitySettings
    let replays: ConsoleReplayJobs
    let notifier: FeedNotifier

    var store: any ComplaintStore { pipeline.store }

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/v1/console/channels") { request, _ in
            _ = try access.require(request)
            return try await channels()
        }
        router.post("/v1/console/reload") { request, _ in
            _ = try access.require(request, changing: true)
            guard let reloader else {
                throw APIError(.serviceUnavailable, code: "reload_unavailable",
                               message: "this server was started without a configuration file to reload")
            }
            let outcome = await reloader.reload(trigger: "console")
            return JSONBody.response(outcome.applied ? .ok : .unprocessableContent, outcome)
        }
        addQuarantineRoutes(to: router)
        addIncidentRoutes(to: router)
        addComplaintRoutes(to: router)
        addCustomerRoutes(to: router)
        addReplayRoutes(to: router)
    }

    func channels() async throws -> Response {
        let configuration = live.current
        let now = Date()
        let activity = Dictionary(try await store.channelActivity(hour: now.addingTimeInterval(-3_600), day: now.addingTimeInterval(-86_400))
            .map { ($0.channel, $0) }, uniquingKeysWith: { a, _ in a })
        let sourceProblems = sources.problems()
        let folderProblems = try await BlockingIO.run { () -> [String: String] in
            var problems: [String: String] = [:]
            for channel in configuration.channels {
                let found = channel.watchedFolderProblems()
                if !found.isEmpty { problems[channel.name] = found.map { "\($0.key) \($0.path) \($0.reason)" }.joined(separator: "; ") }
            }
            return problems
        }
        let views = configuration.channels.map { channel in
            let seen = activity[channel.name] ?? ChannelActivity(channel: channel.name)
            let problem = [folderProblems[channel.name], sourceProblems[channel.name]].compactMap { $0 }.joined(separator: "; ")
            return ConsoleViews.Channel(
                name: channel.name, type: channel.plugin.type, sources: Self.sources(of: channel),
                state: problem.isEmpty ? "running" : "failing", lastError: problem.isEmpty ? nil : problem,
                complaintsLastHour: seen.complaintsLastHour, complaintsLastDay: seen.complaintsLastDay,
                quarantined: seen.quarantined, quarantinedLastDay: seen.quarantinedLastDay, lastInputAt: seen.lastInputAt)
        }
        return try ConsoleJSON.response(ConsoleViews.Channels(
            generation: configuration.generation,
            levels: incidents.levels.map { ConsoleViews.Level(name: $0.name, customers: $0.customers, minutes: Int($0.window / 60)) },
            channels: views))
    }

    /// Where a channel's input comes from, as an admin wrote it.
    static func sources(of channel: ConfiguredChannel) -> [String] {
        var sources: [String] = []
        if channel.httpIntake != nil { sources.append("POST /v1/forms/\(channel.name)") }
        sources += channel.plugin.watchedFolders(in: channel.settings).map { "\($0.key): \($0.url.path)" }
        sources += channel.pollTargets.map { "poll \($0.url.absoluteString)" }
        sources += channel.remoteSources.map { "fetch \($0.displayName)" }
        return sources
    }

    /// A query parameter as a positive integer no larger than `maximum`.
    static func limit(_ request: Request, default value: Int, maximum: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return value }
        guard let limit = Int(text), limit > 0 else {
            throw APIError(.badRequest, code: "bad_parameter", message: "limit must be a positive integer")
        }
        return min(limit, maximum)
    }
}
