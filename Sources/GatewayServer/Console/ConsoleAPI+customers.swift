import Foundation
import GatewayCore
import Hummingbird

/// One complainant's profile, as `GET /v1/customers/{key}` gives it, for the
/// console's customer page (identities and texts masked without pii).
extension ConsoleAPI {
    func addCustomerRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/v1/console/customers/:key") { request, context in
            let grant = try access.require(request)
            let key = context.parameters.get("key")?.removingPercentEncoding ?? ""
            guard !key.isEmpty, key.count <= 320 else {
                throw APIError(.badRequest, code: "bad_parameter", message: "a customer key is 1 to 320 characters")
            }
            guard let record = try await store.person(PersonLookup(key)) else {
                throw APIError.notFound("no person is linked to that key (a landline, a placeholder or a shared key links nobody)")
            }
            return try ConsoleJSON.response(CustomerProfile(record, settings: identity, pii: grant.pii))
        }
    }
}
