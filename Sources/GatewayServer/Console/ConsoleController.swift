import Crypto
import Foundation
import GatewayCore
import Hummingbird
import HTTPTypes

/// The console's pages: `/console` (the app, behind a session with scope
/// `admin`), `/console/login`, `/console/logout` and the two static files
/// the app is made of (code and style only, no data). Everything the app
/// shows comes from `ConsoleAPI`.
struct ConsoleController: Sendable {
    let access: ConsoleAccess
    /// For `Secure` cookies: `public_url` and the trusted proxies' word on TLS.
    var server = ServerSettings()

    /// `; Secure` when the browser reached us over TLS, so the cookie is never sent in clear.
    func secure(_ request: Request, _ context: GatewayRequestContext) -> String {
        server.cameOverTLS(peer: context.clientAddress, forwardedProto: request.headers[.init("X-Forwarded-Proto")!]) ? "; Secure" : ""
    }

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        .cacheControl: "no-store",
    ]

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/console") { request, _ in
            do {
                _ = try access.require(request)
            } catch let error as APIError {
                return Self.loginPage(status: error.status, message: error.status == .forbidden ? error.message : "")
            }
            return Self.page(.ok, ConsoleAssets.consoleHTML, type: "text/html; charset=utf-8")
        }
        router.get("/console/login") { _, _ in
            Self.loginPage(status: .ok, message: "")
        }
        router.post("/console/login") { request, context in
            let body = try await request.body.collect(upTo: 4 * 1024)
            let presented = Self.formValue("token", in: String(buffer: body)) ?? ""
            let digest = Array(SHA256.hash(data: Array(presented.utf8)))
            guard let token = access.live.current.tokens.first(where: { Array(SHA256.hash(data: $0.secret.bytes)) == digest }) else {
                return Self.loginPage(status: .unauthorized, message: "Unknown token · 令牌无效")
            }
            guard token.allows(.admin) else {
                return Self.loginPage(status: .forbidden, message: "Token \(token.name) lacks scope admin · 该令牌没有 admin 权限")
            }
            let session = access.sessions.open(for: token)
            var headers = Self.securityHeaders
            headers[.location] = "/console"
            headers[.setCookie] = "\(ConsoleAccess.cookieName)=\(session); Path=/; HttpOnly; SameSite=Strict" + secure(request, context)
            return Response(status: .seeOther, headers: headers)
        }
        router.post("/console/logout") { request, context in
            if let id = ConsoleAccess.sessionID(request) { access.sessions.close(id) }
            var headers = Self.securityHeaders
            headers[.location] = "/console/login"
            headers[.setCookie] = "\(ConsoleAccess.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + secure(request, context)
            return Response(status: .seeOther, headers: headers)
        }
        router.get("/console/app.js") { _, _ in
            Self.page(.ok, ConsoleAssets.appJS, type: "text/javascript; charset=utf-8")
        }
        router.get("/console/app.css") { _, _ in
            Self.page(.ok, ConsoleAssets.appCSS, type: "text/css; charset=utf-8")
        }
    }

    static func page(_ status: HTTPResponse.Status, _ bytes: [UInt8], type: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = type
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func loginPage(status: HTTPResponse.Status, message: String) -> Response {
        let html = String(decoding: ConsoleAssets.loginHTML, as: UTF8.self).replacingOccurrences(of: "{{ERROR}}", with: escape(message))
        return page(status, Array(html.utf8), type: "text/html; charset=utf-8")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A field of an `application/x-www-form-urlencoded` body.
    static func formValue(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.first == name else { continue }
            return (parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
