import Foundation
import GatewayCore
import Hummingbird

/// `GET /v1/customers/{key}` (scope `feed:read`; identities and texts
/// unmasked only with `pii`): a complainant's profile. `key` is a person key
/// (`customer.person`) or an identity as written (`+8613800138000`,
/// `li@example.cn`, `phone:+86…`, an account id).
struct CustomersController: Sendable {
    let store: any PersonDirectory
    let live: LiveConfiguration
    let identity: IdentitySettings

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/v1/customers/:key") { request, context in
            let pii = try self.live.current.auth.require(.feedRead, for: request).allows(.pii)
            let key = context.parameters.get("key")?.removingPercentEncoding ?? ""
            guard !key.isEmpty, key.count <= 320 else { throw APIError(.badRequest, code: "bad_parameter", message: "a customer key is 1 to 320 characters") }
            let record: PersonRecord?
            do {
                record = try await self.store.person(PersonLookup(key))
            } catch {
                throw APIError.storeUnavailable(error)
            }
            guard let record else {
                // The key as given is not echoed: it may be a phone number.
                throw APIError.notFound("no person is linked to that key (a landline, a placeholder or a shared key links nobody)")
            }
            return JSONBody.response(.ok, CustomerProfile(record, settings: self.identity, pii: pii))
        }
    }
}
