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
            let stored = try await store.revisions(of: id)
            guard let newest = stored.first else {
                throw APIError(.notFound, code: "not_found", message: "no complaint \(id)")
            }
            let current = grant.pii ? newest : PIIMask.apply(newest, policy: privacy)
            let ordered = stored.sorted { $0.revision < $1.revision }
            var views: [ConsoleViews.Revision] = []
            for (position, revision) in ordered.enumerated() {
                // Without pii, the diff of the masked versions (each also hiding the other's identifiers).
                let diff = position == 0 ? nil : ComplaintDiff.between(ordered[position - 1], revision, policy: privacy)
                let changes = (grant.pii ? diff?.changes : diff?.maskedChanges) ?? []
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
                cluster: current.dedup.cluster, person: current.customer.person,
                personEvidence: current.customer.personEvidence.map { ConsoleViews.Evidence(key: $0.key, kind: $0.kind, foundIn: $0.foundIn) },
                revisions: views.reversed(), rawDownloadable: grant.pii))
        }
    }
}
