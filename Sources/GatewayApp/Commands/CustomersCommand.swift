import ArgumentParser
import Foundation
import ComplaintModel
import GatewayCore

/// `complaint-gateway customers show KEY`: a complainant's profile.
struct CustomersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers",
        abstract: "Complainant profiles: one person across channels, repeat and escalation status.",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the person a key names: their identities, complaints by channel, incidents, repeat and escalation status.",
            discussion: """
                KEY is a person key (customer.person, p-…) or any identity as written: a phone number \
                (+86 138 0013 8000), an email address, phone:/email:/account:/handle: and the value, or an account id. \
                Identities and texts are masked unless --pii.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "A person key or an identity.")
        var key: String

        @Flag(name: .long, help: "Show identities and texts unmasked.")
        var pii = false

        @Flag(name: .long, help: "The profile as one JSON object (the shape of GET /v1/customers/{key}).")
        var json = false

        func run() async throws {
            do {
                let env = try GatewayEnvironment.load(global)
                let store = try await env.openStore()
                guard let record = try await store.person(PersonLookup(key)) else {
                    StandardError.write("complaint-gateway: no person is linked to \(pii ? key : PersonalTextScrubber().scrub(key)) "
                                        + "(a landline, a placeholder or a shared key links nobody; `identities shared` lists shared keys)")
                    throw ExitCode(1)
                }
                let profile = CustomerProfile(record, settings: env.config.dedup.identity, pii: pii)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(profile), as: UTF8.self))
                    return
                }
                print("person \(profile.person)")
                print("  identities: " + profile.identities.map { "\($0.key) (\($0.kind))" }.joined(separator: ", "))
                let channels = profile.complaintsByChannel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                print("  complaints: \(profile.complaints) (\(channels)), first \(profile.firstComplaintAt ?? "-"), last \(profile.lastComplaintAt ?? "-")")
                print("  repeat: \(profile.repeat ? "yes" : "no") (\(profile.complaintsInWindow) in the window)")
                print("  escalation risk: \(profile.escalationRisk ? "yes: " + profile.escalationReasons.joined(separator: "; ") : "no")")
                for incident in profile.incidents {
                    print("  incident \(incident.cluster) [\(incident.level.uppercased())] last seen \(incident.lastSeen)")
                }
                for c in profile.recent {
                    print("  \(c.at)  \(c.channel)  \(c.status)  \(c.id)")
                    print("      \(c.text.replacingOccurrences(of: "\n", with: " ").prefix(120))")
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw GatewayExit.report(error)
            }
        }
    }
}

/// `complaint-gateway identities shared`: keys that link nobody.
struct IdentitiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identities",
        abstract: "Identity keys as linking sees them.",
        subcommands: [Shared.self]
    )

    struct Shared: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List shared keys: seen with more than [identity] shared_key_identities other identities, they link nobody.",
            discussion: """
                An Asterisk accountcode mapped to the account id, a company switchboard written as a mobile, a family \
                account: each joined up to that many customers before it was found shared, and those were split apart \
                again. Masked unless --pii.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Show the keys unmasked.")
        var pii = false

        @Option(name: .long, help: "Show at most this many keys.")
        var limit: Int = 100

        func run() async throws {
            do {
                let env = try GatewayEnvironment.load(global)
                let store = try await env.openStore()
                let shared = try await store.sharedIdentities(limit: limit)
                if shared.isEmpty { print("no shared keys") }
                for identity in shared {
                    print("\(pii ? identity.key : PIIMask.identityKey(identity.key))  \(identity.kind)")
                }
            } catch {
                throw GatewayExit.report(error)
            }
        }
    }
}
