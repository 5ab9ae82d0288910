import GatewayCore
import Hummingbird

/// `POST /v1/admin/reload` (scope `admin`): re-reads `channels.conf` as SIGHUP
/// does. 200 with what changed; 422 with every problem when the file is
/// invalid (the running configuration stays).
struct AdminController: Sendable {
    let live: LiveConfiguration
    let reloader: ConfigReloader?

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.post("/v1/admin/reload") { request, _ in
            _ = try live.current.auth.require(.admin, for: request)
            guard let reloader else {
                throw APIError(.serviceUnavailable, code: "reload_unavailable",
                               message: "this server was started without a configuration file to reload")
            }
            let outcome = await reloader.reload(trigger: "POST /v1/admin/reload")
            return JSONBody.response(outcome.applied ? .ok : .unprocessableContent, outcome)
        }
    }
}
