import Foundation
import ComplaintModel
import GatewayCore
import Hummingbird
import HTTPTypes
import NIOCore

/// The normalized feed for other services:
///
/// - `GET /v1/complaints?after=&limit=&channel=&status=&include_duplicates=&include_automated=`: a
///   page of CloudEvents in feed order and the `next` cursor;
/// - `GET /v1/complaints/{id}`: one complaint with its revisions;
/// - `GET /v1/stream`: Server-Sent Events; each event's `id` is its cursor, and
///   reconnecting with `Last-Event-ID` resumes with nothing missed or repeated.
///
/// The cursor is the feed sequence: assigned inside the store's write
/// transaction, so a consumer that stores it resumes exactly, across restarts.
public struct FeedController: Sendable {
    let store: any FeedReader
    /// Tokens, and what readers without the `pii` scope see, as reloaded.
    let live: LiveConfiguration
    let notifier: FeedNotifier
    /// Streams end when a graceful shutdown starts.
    let readiness: ServerReadiness
    /// How often an idle stream sends a comment line, so proxies and clients
    /// keep the connection open.
    let heartbeat: Duration
    /// How often a stream checks the store when not woken (commits by other processes).
    let pollInterval: Duration

    public static var maxPageSize: Int { 1000 }

    public init(store: any FeedReader, live: LiveConfiguration, notifier: FeedNotifier, readiness: ServerReadiness = ServerReadiness(),
                heartbeat: Duration = .seconds(15), pollInterval: Duration = .seconds(1)) {
        self.store = store
        self.live = live
        self.readiness = readiness
        self.notifier = notifier
        self.heartbeat = heartbeat
        self.pollInterval = pollInterval
    }

    public func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/v1/complaints") { request, _ in
            try await self.page(request, pii: try self.live.current.auth.require(.feedRead, for: request).allows(.pii))
        }
        router.get("/v1/complaints/:id") { request, context in
            try await self.complaint(context.parameters.get("id") ?? "", pii: try self.live.current.auth.require(.feedRead, for: request).allows(.pii))
        }
        router.get("/v1/stream") { request, _ in
            try await self.stream(request, pii: try self.live.current.auth.require(.feedRead, for: request).allows(.pii))
        }
    }

    struct Page: Encodable {
        var events: [CloudEvent]
        /// Pass as `after` for the next page; the same cursor when nothing is new.
        var next: String
        var hasMore: Bool
        /// The store's identity: a consumer that paged with another one must
        /// start again from 0 (the store was reset or restored).
        var storeID: String

        enum CodingKeys: String, CodingKey {
            case events, next
            case hasMore = "has_more"
            case storeID = "store_id"
        }
    }

    /// The response header naming the store, on pages and streams.
    static let storeIDHeader = HTTPField.Name("Complaint-Gateway-Store-Id")!

    func query(_ request: Request, after: Int64? = nil) throws -> FeedQuery {
        let params = request.uri.queryParameters
        var query = FeedQuery()
        if let after {
            query.after = after
        } else if let text = params["after"].map(String.init) {
            guard let value = Int64(text), value >= 0 else {
                throw APIError(.badRequest, code: "bad_parameter", message: "after must be a cursor from a previous page (a non-negative integer)")
            }
            query.after = value
        }
        if let text = params["limit"].map(String.init) {
            guard let value = Int(text), (1...Self.maxPageSize).contains(value) else {
                throw APIError(.badRequest, code: "bad_parameter", message: "limit must be from 1 to \(Self.maxPageSize)")
            }
            query.limit = value
        }
        query.channel = params["channel"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if let status = params["status"].map(String.init), !status.isEmpty {
            guard ["unique", "duplicate", "near_duplicate"].contains(status) else {
                throw APIError(.badRequest, code: "bad_parameter", message: "status must be unique, duplicate or near_duplicate")
            }
            query.dedupStatus = status
        }
        if let include = try Self.flag(params["include_duplicates"].map(String.init), name: "include_duplicates") {
            query.includeDuplicates = include
        }
        if let include = try Self.flag(params["include_automated"].map(String.init), name: "include_automated") {
            query.includeAutomated = include
        }
        return query
    }

    /// A boolean query parameter (`true`/`1`, `false`/`0`), nil when absent.
    static func flag(_ text: String?, name: String) throws -> Bool? {
        switch text {
        case nil: return nil
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError(.badRequest, code: "bad_parameter", message: "\(name) must be true or false")
        }
    }

    func event(_ event: FeedEvent, pii: Bool) -> CloudEvent {
        let privacy = live.current.privacy
        return CloudEvent(pii ? event : event.mapComplaint { PIIMask.apply($0, policy: privacy) })
    }

    func page(_ request: Request, pii: Bool) async throws -> Response {
        var query = try query(request)
        let limit = query.limit
        query.limit = limit + 1  // one more tells whether there is more
        let events: [FeedEvent]
        let position: FeedPosition
        do {
            position = try await FeedPosition.check(query, in: store, channels: live.current.channels)
            events = try await store.feed(query)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.storeUnavailable(error)
        }
        if events.isEmpty, let channel = query.channel, !live.current.channels.contains(where: { $0.name == channel }) {
            // Not configured and nothing stored for it (a channel since removed
            // still has its history): a typo, not a quiet channel.
            var any = FeedQuery()
            any.channel = channel
            any.limit = 1
            if (try? await store.feed(any))?.isEmpty ?? false {
                let known = live.current.channels.map(\.name).joined(separator: ", ")
                throw APIError.notFound("no channel named \(channel); configured: \(known.isEmpty ? "none" : known)")
            }
        }
        let shown = events.prefix(limit)
        let page = Page(events: shown.map { self.event($0, pii: pii) }, next: String(shown.last?.sequence ?? query.after),
                        hasMore: events.count > limit, storeID: position.storeID)
        return JSONBody.response(.ok, page, headers: [Self.storeIDHeader: position.storeID])
    }

    struct Detail: Encodable {
        var complaint: Complaint
        /// Every revision, newest first (the first is `complaint`).
        var revisions: [Complaint]
    }

    func complaint(_ id: String, pii: Bool) async throws -> Response {
        let revisions: [Complaint]
        do {
            revisions = try await store.revisions(of: id)
        } catch {
            throw APIError.storeUnavailable(error)
        }
        guard !revisions.isEmpty else { throw APIError.notFound("no complaint with id \(id)") }
        let shown = pii ? revisions : revisions.map { PIIMask.apply($0, policy: live.current.privacy) }
        return JSONBody.response(.ok, Detail(complaint: shown[0], revisions: shown))
    }

    func stream(_ request: Request, pii: Bool) async throws -> Response {
        // Last-Event-ID (a reconnecting EventSource) wins over ?after=.
        var start: Int64? = nil
        if let last = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let value = Int64(last.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw APIError(.badRequest, code: "bad_parameter", message: "Last-Event-ID must be an event id from this stream")
            }
            start = value
        }
        var initial = try query(request, after: start)
        initial.limit = 500
        let first = initial
        let position: FeedPosition
        do {
            position = try await FeedPosition.check(first, in: store, channels: live.current.channels)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.storeUnavailable(error)
        }
        let store = self.store, notifier = self.notifier, heartbeat = self.heartbeat, poll = self.pollInterval
        let readiness = self.readiness
        let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
                                   Self.storeIDHeader: position.storeID]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // The client's reconnect delay, the store's identity (an event without
            // an id, so Last-Event-ID stays a cursor), then events as they are
            // committed. The loop reads from the store at its own cursor: a slow
            // client holds no buffer, and ingestion never waits for it.
            try await writer.write(ByteBuffer(string: "retry: 2000\n\nevent: feed.opened\ndata: \(position.openedJSON)\n\n"))
            var query = first
            var lastWrite = ContinuousClock.now
            while !Task.isCancelled && !readiness.isStopping {
                let events = try await store.feed(query)
                if !events.isEmpty {
                    var text = ""
                    for event in events {
                        text += "id: \(event.sequence)\nevent: \(event.type.rawValue)\ndata: \(try self.event(event, pii: pii).jsonLine())\n\n"
                    }
                    try await writer.write(ByteBuffer(string: text))
                    query.after = events.last!.sequence
                    lastWrite = ContinuousClock.now
                    if events.count == query.limit { continue }
                }
                if ContinuousClock.now - lastWrite >= heartbeat {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    lastWrite = ContinuousClock.now
                }
                await notifier.wait(timeout: min(poll, heartbeat))
            }
            try await writer.finish(nil)
        })
    }
}
