import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// Several form channels side by side, each with its own fields and limits.
@Suite("Form channels side by side")
struct MultipleChannelsTests {
    @Test("each channel maps its own fields and keeps its own ids and limits")
    func twoChannels() async throws {
        let config = ServerFixture.formChannel + """

            [[channel]]
            name = "shop"
            type = "web_form"
            max_body_bytes = 64
            [channel.fields]
            order = { to = "customer.account_id", required = true }
            text  = { to = "body" }
            """
        let f = try ServerFixture(config: config)
        let client = TestHTTPClient.shared
        try await f.withServer { base in
            let shop = try await client.post(base.appending(path: "v1/forms/shop"), "order=SO-1&text=late+delivery")
            #expect(shop.status == 202)
            let stored = try #require(try await f.store.complaint(id: shop.json["id"] as? String ?? ""))
            #expect(stored.channel.name == "shop")
            #expect(stored.customer.accountID == "SO-1")
            // The same body to the web channel is judged by web's fields.
            let web = try await client.post(base.appending(path: "v1/forms/web"), "order=SO-1&text=late+delivery")
            #expect(web.status == 422)
            // shop's 64-byte limit does not apply to web, and web's does to it.
            let long = "order=SO-2&text=" + String(repeating: "x", count: 100)
            #expect(try await client.post(base.appending(path: "v1/forms/shop"), long).status == 413)
        }
    }
}
