import Foundation

/// The `[archive]` table: where raw inputs are kept, content-addressed.
public struct ArchiveSettings: Sendable, Equatable {
    public var path: URL
    /// Days raw objects are kept; nil keeps them forever.
    public var retentionDays: Int?
    /// Who may read archived objects (owner only by default).
    public var permissions: FilePermissions

    public init(path: URL, retentionDays: Int? = nil, permissions: FilePermissions = .ownerOnly) {
        self.path = path
        self.retentionDays = retentionDays
        self.permissions = permissions
    }
}

extension ArchiveSettings {
    /// Keys of the `[archive]` table.
    public static let options: [OptionSpec] = [
        OptionSpec("path", .string, default: "var/archive",
                   help: "Folder of the content-addressed raw archive, relative to the config file's folder."),
        OptionSpec("retention_days", .integer,
                   help: "Days raw objects are kept before `archive prune` removes them (never while their complaints are recent or they are quarantined). Absent: kept forever."),
        OptionSpec("mode", .string, default: "0600",
                   help: "Octal permissions of archived objects (always read-only) and, with search bits, of its folders: owner only by default, as raw inputs hold personal data; \"0640\" lets the group read. Others never."),
    ]

    /// The settings of a checked `[archive]` table.
    static func parse(_ values: [String: ConfigValue], baseDirectory: URL, problem: ConfigProblemReport) -> ArchiveSettings {
        let retention = values["retention_days"]?.intValue
        if let retention, retention < 1 {
            problem("archive.retention_days", "archive: retention_days must be at least 1")
        }
        var permissions = FilePermissions.ownerOnly
        if let mode = values["mode"]?.stringValue {
            if let parsed = FilePermissions(octal: mode) {
                permissions = parsed
            } else {
                problem("archive.mode", "archive: mode must be octal like \"0600\" or \"0640\": the owner reads and writes, others get nothing")
            }
        }
        return ArchiveSettings(path: ConfigPaths.resolve(values["path"]?.stringValue ?? "var/archive", against: baseDirectory),
                               retentionDays: retention, permissions: permissions)
    }
}
