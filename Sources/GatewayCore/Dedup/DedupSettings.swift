import Foundation

/// The `[dedup]` table of `channels.conf`: windows and thresholds of the dedup
/// stage. Every key has a default, so a config without the table dedups.
public struct DedupSettings: Sendable, Equatable {
    /// Off: only exact re-deliveries (same channel and source id) are recognized.
    public var enabled = true
    /// How far apart two complaints of one customer may arrive and still be
    /// duplicates or near-duplicates.
    public var window: TimeInterval = 30 * 86_400
    /// Estimated Jaccard similarity of character 3-gram shingles at or above
    /// which one customer's two texts are near-duplicates.
    public var nearDuplicateThreshold = 0.5
    /// Similarity at or above which texts of any customers join one incident cluster.
    public var clusterThreshold = 0.6
    /// How far back a complaint looks for a cluster to join.
    public var clusterWindow: TimeInterval = 24 * 3_600
    /// Distinct customers within `massComplaintWindow` that make a cluster a mass complaint.
    public var massComplaintCustomers = 20
    public var massComplaintWindow: TimeInterval = 3_600
    /// The `[incidents]` levels: decided with the clusters, in the same transaction.
    public var incidents = IncidentSettings()
    /// The `[identity]` table: which identities link complaints into one person.
    public var identity = IdentitySettings()

    public init() {}
}

extension DedupSettings {
    /// Keys of the `[dedup]` table.
    public static let options: [OptionSpec] = [
        OptionSpec("enabled", .boolean, default: "true",
                   help: "false: only exact re-deliveries (same channel and source id) are recognized; no duplicates, near-duplicates or clusters."),
        OptionSpec("window_days", .integer, default: "30",
                   help: "How far apart two complaints of one customer may arrive and still be duplicates or near-duplicates."),
        OptionSpec("near_duplicate_threshold", .number, default: "0.5",
                   help: "Text similarity (0-1, estimated Jaccard of character 3-grams) at or above which one customer's two complaints are near-duplicates; their numbers (amounts, dates, order numbers) must also agree."),
        OptionSpec("cluster_threshold", .number, default: "0.6",
                   help: "Text similarity (0-1) at or above which complaints of any customers join one incident cluster."),
        OptionSpec("cluster_window_hours", .integer, default: "24",
                   help: "How far back a complaint looks for a cluster to join."),
        OptionSpec("mass_complaint_customers", .integer, default: "20",
                   help: "Distinct customers in one cluster within mass_complaint_window_minutes that flag it as a mass complaint (log warning, metric, `complaint-gateway clusters --mass`)."),
        OptionSpec("mass_complaint_window_minutes", .integer, default: "60",
                   help: "The window of mass_complaint_customers."),
    ]

    /// The settings of a checked `[dedup]` table (`incidents` is its own table).
    static func parse(_ values: [String: ConfigValue], problem: ConfigProblemReport) -> DedupSettings {
        var dedup = DedupSettings()
        if let enabled = values["enabled"]?.boolValue { dedup.enabled = enabled }
        for (key, path) in [("near_duplicate_threshold", \DedupSettings.nearDuplicateThreshold),
                            ("cluster_threshold", \DedupSettings.clusterThreshold)] {
            guard let value = values[key]?.doubleValue else { continue }
            if value > 0, value <= 1 {
                dedup[keyPath: path] = value
            } else {
                problem("dedup.\(key)", "dedup: \(key) must be greater than 0 and at most 1, found \(value)")
            }
        }
        for (key, unit) in [("window_days", 86_400.0), ("cluster_window_hours", 3_600.0), ("mass_complaint_window_minutes", 60.0),
                            ("mass_complaint_customers", 0)] {
            guard let value = values[key]?.intValue else { continue }
            let minimum = key == "mass_complaint_customers" ? 2 : 1
            guard value >= minimum else {
                problem("dedup.\(key)", "dedup: \(key) must be at least \(minimum), found \(value)")
                continue
            }
            switch key {
            case "window_days": dedup.window = Double(value) * unit
            case "cluster_window_hours": dedup.clusterWindow = Double(value) * unit
            case "mass_complaint_window_minutes": dedup.massComplaintWindow = Double(value) * unit
            default: dedup.massComplaintCustomers = value
            }
        }
        return dedup
    }
}
