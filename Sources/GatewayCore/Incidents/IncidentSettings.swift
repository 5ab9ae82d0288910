import Foundation

/// The `[incidents]` table of `channels.conf`: the levels an incident cluster
/// goes up through. Without the table no level is raised (the `[dedup]`
/// mass-complaint flag still works).
public struct IncidentSettings: Sendable, Equatable {
    /// Lowest first; a cluster's level only goes up.
    public var levels: [IncidentLevel] = []
    /// Texts of the cluster's first complaints carried by an
    /// `incident.level_changed` event, masked.
    public var samples = 3

    public init(levels: [IncidentLevel] = [], samples: Int = 3) {
        self.levels = levels
        self.samples = samples
    }

    /// The rank of a level (1 = the lowest); 0 for none.
    public func rank(of name: String?) -> Int {
        guard let name, let index = levels.firstIndex(where: { $0.name == name }) else { return 0 }
        return index + 1
    }

    /// Keys of one level.
    static let levelOptions: [OptionSpec] = [
        OptionSpec("name", .string, required: true, help: "The level's name as events, metrics and the console show it (yellow, orange, red)."),
        OptionSpec("customers", .integer, required: true, help: "Distinct customers in one cluster that reach the level."),
        OptionSpec("minutes", .integer, required: true, help: "Within how many minutes those customers complained."),
    ]

    /// Keys of the `[incidents]` table.
    public static let options: [OptionSpec] = [
        OptionSpec("levels", .tableArray(levelOptions),
                   help: "Levels, lowest first, e.g. [{ name = \"yellow\", customers = 10, minutes = 60 }, { name = \"red\", customers = 100, minutes = 30 }]. A cluster that reaches one (or goes up one) puts an incident.level_changed event in the feed."),
        OptionSpec("samples", .integer, default: "3",
                   help: "How many complaint texts (masked) an incident.level_changed event carries, 0-20."),
    ]

    /// Reads validated `[incidents]` values, reporting what is wrong with them.
    static func parse(_ values: [String: ConfigValue], problem: (String, String) -> Void) -> IncidentSettings {
        var settings = IncidentSettings()
        if let samples = values["samples"]?.intValue {
            if (0...20).contains(samples) { settings.samples = samples } else {
                problem("incidents.samples", "incidents: samples must be between 0 and 20, found \(samples)")
            }
        }
        guard case .array(let items)? = values["levels"] else { return settings }
        var names = Set<String>()
        for (i, item) in items.enumerated() {
            let path = "incidents.levels[\(i)]"
            guard case .table(let level) = item, let name = level["name"]?.stringValue,
                  let customers = level["customers"]?.intValue, let minutes = level["minutes"]?.intValue else { continue }
            if name.isEmpty || name.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                problem("\(path).name", "incidents: level name \"\(name)\" must be letters, digits, '-' or '_'")
            }
            if !names.insert(name).inserted { problem("\(path).name", "incidents: duplicate level name \"\(name)\"") }
            if customers < 2 { problem("\(path).customers", "incidents: level \"\(name)\": customers must be at least 2, found \(customers)") }
            if minutes < 1 { problem("\(path).minutes", "incidents: level \"\(name)\": minutes must be at least 1, found \(minutes)") }
            if let lower = settings.levels.last, customers <= lower.customers {
                problem("\(path).customers", "incidents: levels go from lowest to highest; \"\(name)\" needs more customers than \"\(lower.name)\" (\(lower.customers)), found \(customers)")
            }
            settings.levels.append(IncidentLevel(name: name, customers: customers, window: Double(minutes) * 60))
        }
        return settings
    }
}
