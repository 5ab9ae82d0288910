import ArgumentParser
import Foundation
import GatewayCore

/// `complaint-gateway token new`: a secret for a `[[token]]`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make API token secrets.",
        subcommands: [New.self]
    )

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Print a new random token secret (256 bits, URL-safe base64) and the [[token]] table that refers to it.",
            discussion: """
                The secret goes on standard output's first line, alone, so it can be captured: \
                `complaint-gateway token new --name reader 2>/dev/null | head -1`. Store it in the \
                environment variable or file the table names; never in channels.conf itself.
                """
        )

        @Option(name: .long, help: "The token's name in channels.conf.")
        var name: String = "new-token"

        @Option(name: .long, parsing: .upToNextOption,
                help: ArgumentHelp("Scopes: " + APIToken.Scope.allCases.map(\.rawValue).joined(separator: ", ") + ".", valueName: "scope"))
        var scopes: [String] = ["feed:read"]

        func validate() throws {
            for scope in scopes where APIToken.Scope(rawValue: scope) == nil {
                throw ValidationError("unknown scope \"\(scope)\"; scopes: \(APIToken.Scope.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ValidationError("--name takes letters, digits, '-' and '_'")
            }
        }

        func run() throws {
            print(Self.secret())
            let variable = "COMPLAINT_GATEWAY_TOKEN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
            StandardError.write("""

                # Add to channels.conf, and set \(variable) to the secret above in the gateway's environment:
                [[token]]
                name = "\(name)"
                secret = { env = "\(variable)" }
                scopes = [\(scopes.map { "\"\($0)\"" }.joined(separator: ", "))]
                """)
        }

        /// 32 bytes from the system's cryptographic generator (getrandom on
        /// Linux), URL-safe base64 without padding: 43 characters.
        static func secret() -> String {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            return Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
    }
}
