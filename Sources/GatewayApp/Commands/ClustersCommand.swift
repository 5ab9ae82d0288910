import ArgumentParser
import Foundation
import ComplaintModel
import GatewayCore

/// `complaint-gateway clusters`: incident clusters and mass complaints.
struct ClustersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusters",
        abstract: "List incident clusters (similar complaints from one or many customers), most recently active first.",
        discussion: """
            A cluster is named by the id of its first complaint (the complaints' dedup.cluster). \
            --mass lists only clusters that reached [dedup] mass_complaint_customers distinct \
            customers within mass_complaint_window_minutes.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Only clusters flagged as mass complaints.")
    var mass = false

    @Option(name: .long, help: "Only clusters with at least this many complaints.")
    var minSize: Int = 2

    @Option(name: .long, help: "Only clusters with a complaint in the last N hours.")
    var activeHours: Int?

    @Option(name: .long, help: "Show at most this many clusters.")
    var limit: Int = 20

    @Flag(name: .long, help: "One JSON object per line instead of text.")
    var json = false

    func validate() throws {
        guard minSize >= 1 else { throw ValidationError("--min-size must be at least 1") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        if let activeHours, activeHours < 1 { throw ValidationError("--active-hours must be at least 1") }
    }

    func run() async throws {
        do {
            let env = try GatewayEnvironment.load(global)
            let store = try await env.openStore()
            let query = ClusterQuery(minimumSize: minSize, massComplaintsOnly: mass,
                                     activeSince: activeHours.map { Date().addingTimeInterval(-Double($0) * 3_600) }, limit: limit)
            let clusters = try await store.clusters(query)
            if clusters.isEmpty && !json {
                print(mass ? "no mass complaints" : "no clusters of \(minSize) or more complaints")
            }
            for c in clusters {
                if json {
                    var object: [String: Any] = [
                        "id": c.id, "size": c.size, "customers": c.customers, "excerpt": c.excerpt,
                        "first_seen": RFC3339.string(from: c.firstSeen), "last_seen": RFC3339.string(from: c.lastSeen),
                    ]
                    object["flagged_at"] = c.flaggedAt.map(RFC3339.string(from:)) ?? NSNull()
                    object["flagged_customers"] = c.flaggedCustomers ?? NSNull() as Any
                    object["level"] = c.level ?? NSNull() as Any
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    let flag = c.flaggedAt.map { " MASS COMPLAINT since \(RFC3339.string(from: $0)) (\(c.flaggedCustomers ?? 0) customers in the window)" } ?? ""
                    let level = c.level.map { " [\($0.uppercased())]" } ?? ""
                    print("\(c.id)\(level)  \(c.size) complaints, \(c.customers) customers, \(RFC3339.string(from: c.firstSeen)) … \(RFC3339.string(from: c.lastSeen))\(flag)")
                    print("    \(c.excerpt)")
                }
            }
        } catch {
            throw GatewayExit.report(error)
        }
    }
}
