import Foundation
import Testing
@testable import GatewayCore
import GatewayTestSupport

/// Secrets only serving HTTP needs: required by `serve`, warnings elsewhere,
/// and a reload that cannot see a new variable says why (issue 43).
@Suite("serving secrets")
struct ServingSecretsTests {
    static let text = """
        [[token]]
        name = "console"
        secret = { env = "COMPLAINT_GATEWAY_TEST_UNSET_TOKEN" }
        scopes = ["admin"]

        [[token]]
        name = "reader"
        secret = { env = "COMPLAINT_GATEWAY_TEST_READER_TOKEN" }
        scopes = ["feed:read"]
        """

    static func load(_ mode: ConfigLoader.ServingSecrets) throws -> GatewayConfig {
        setenv("COMPLAINT_GATEWAY_TEST_READER_TOKEN", "reader-token-0123456789abcdef", 1)
        return try ConfigLoader(registry: PluginRegistry([LineChannelPlugin()]), servingSecrets: mode)
            .load(text: text, file: "test.conf", baseDirectory: URL(fileURLWithPath: "/tmp")).config
    }

    @Test("deferred: the token whose variable is unset is left out and reported with its line; the others load")
    func deferred() throws {
        let config = try Self.load(.deferred)
        #expect(config.tokens.map(\.name) == ["reader"])
        #expect(config.deferredSecrets.count == 1)
        #expect(config.deferredSecrets.first?.line == 3, "\(config.deferredSecrets)")
        #expect(config.deferredSecrets.first?.message.contains("COMPLAINT_GATEWAY_TEST_UNSET_TOKEN is not set") == true)
    }

    @Test("required: a problem; reloading: the same problem saying a running server cannot see a new variable")
    func requiredAndReloading() throws {
        #expect(throws: ConfigError.self) { _ = try Self.load(.required) }
        do {
            _ = try Self.load(.reloading)
            Issue.record("loaded without the secret")
        } catch let error as ConfigError {
            #expect(error.description.contains("sees only the environment it was started with"), "\(error)")
            #expect(error.description.contains("{ file = \"PATH\" }"), "\(error)")
        }
    }
}
