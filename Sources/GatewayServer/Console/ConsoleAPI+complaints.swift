import Foundation
import ComplaintModel
import GatewayCore
import Hummingbird

/// One complaint: every revision with what changed, its dedup verdict, its raw input.
extension ConsoleAPI {
    func addComplaintRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/v1/console/complaints/:id") { request, context in
            let grant = try access.require(request)
            let id = context.parameters.get("id") ?? ""
            let privacy = live.current.privacy
            // Newest first, as the store follows the chain back.
            let revisions = try await store.revisions(of: id).map { grant.pii ? $0 : PIIMask.apply($0, policy: privacy) }
            guard let current = revisions.first else {
                throw APIError(.notFound, code: "not_found", message: "no complaint \(id)")
            }
            let ordered = revisions.sorted { $0.revision < $1.revision }
            var views: [ConsoleViews.Revision] = []
            for (position, revision) in ordered.enumerated() {
                let changes = position == 0 ? [] : ComplaintDiff.between(ordered[position - 1], revision).changes
                views.append(ConsoleViews.Revision(
                    revision: revision.revision, receivedAt: RFC3339.string(from: revision.receivedAt), rawSha256: revision.raw.sha256,
                    rawLocation: revision.raw.location, changes: changes.map { ConsoleViews.Change(path: $0.path, old: $0.old, new: $0.new) }))
            }
            let customer = [("name", current.customer.name), ("email", current.customer.email), ("phone", current.customer.phone),
                            ("handle", current.customer.handle), ("account_id", current.customer.accountID)]
            return try ConsoleJSON.response(ConsoleViews.ComplaintDetail(
                id: current.id, channel: current.channel.name, sourceId: current.sourceID, subject: current.subject, body: current.body,
                customer: Dictionary(customer.compactMap { key, value in value.map { (key, $0) } }, uniquingKeysWith: { a, _ in a }),
                dedupStatus: current.dedup.status.rawValue, duplicateOf: current.dedup.of, score: current.dedup.score,
                cluster: current.dedup.cluster, revisions: views.reversed(), rawDownloadable: grant.pii))
        }
    }
}
