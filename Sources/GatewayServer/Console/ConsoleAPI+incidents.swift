import Foundation
import ComplaintModel
import GatewayCore
import Hummingbird

/// Incident clusters by level, and one cluster's timeline and complaints.
extension ConsoleAPI {
    func addIncidentRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/v1/console/incidents") { request, _ in
            let grant = try access.require(request)
            let hours = Double(request.uri.queryParameters.get("hours").flatMap(Int.init) ?? 24)
            guard hours > 0, hours <= 24 * 90 else {
                throw APIError(.badRequest, code: "bad_parameter", message: "hours must be between 1 and 2160")
            }
            let limit = try Self.limit(request, default: 100, maximum: 1_000)
            let records = try await store.incidents(activeSince: Date().addingTimeInterval(-hours * 3_600), limit: limit)
            return try ConsoleJSON.response(["incidents": records.map { ConsoleViews.incident($0, pii: grant.pii) }])
        }
        router.get("/v1/console/incidents/:cluster") { request, context in
            let grant = try access.require(request)
            let cluster = context.parameters.get("cluster") ?? ""
            let asked = request.uri.queryParameters.get("bucket_minutes").map { Int($0) ?? 0 }
            if let asked, !(1...1_440).contains(asked) {
                throw APIError(.badRequest, code: "bad_parameter", message: "bucket_minutes must be between 1 and 1440")
            }
            let limit = try Self.limit(request, default: 50, maximum: 500)
            guard let detail = try await store.incident(cluster: cluster, bucket: asked.map { Double($0) * 60 }, limit: limit) else {
                throw APIError(.notFound, code: "not_found", message: "no incident cluster \(cluster)")
            }
            var lines: [ConsoleViews.ComplaintLine] = []
            let privacy = live.current.privacy
            for id in detail.complaintIDs {
                guard let stored = try await store.complaint(id: id) else { continue }
                lines.append(Self.line(grant.pii ? stored : PIIMask.apply(stored, policy: privacy)))
            }
            return try ConsoleJSON.response(ConsoleViews.IncidentDetail(
                incident: ConsoleViews.incident(detail.record, pii: grant.pii), channels: detail.channels,
                bucketMinutes: Int(detail.bucket / 60), timeline: detail.timeline, locations: detail.locations, complaints: lines))
        }
    }

    static func line(_ complaint: Complaint) -> ConsoleViews.ComplaintLine {
        let customer = [complaint.customer.name, complaint.customer.email, complaint.customer.phone, complaint.customer.handle]
            .compactMap { $0 }.joined(separator: " ")
        let text = complaint.body.isEmpty ? complaint.subject ?? "" : complaint.body
        return ConsoleViews.ComplaintLine(id: complaint.id, channel: complaint.channel.name, receivedAt: RFC3339.string(from: complaint.receivedAt),
                                          customer: customer, text: text.count > 200 ? String(text.prefix(200)) + "…" : text,
                                          dedupStatus: complaint.dedup.status.rawValue)
    }
}
