import Foundation

/// The `[storage]` table: where complaints, the feed and the manifests live.
public struct StorageSettings: Sendable, Equatable {
    /// Supported store engines.
    public enum Engine: String, Sendable, CaseIterable {
        /// Embedded SQLite file (the default).
        case sqlite
    }

    public var engine: Engine
    /// Path of the SQLite database file.
    public var path: URL

    public init(engine: Engine = .sqlite, path: URL) {
        self.engine = engine
        self.path = path
    }
}

/// The `[archive]` table: where raw inputs are kept, content-addressed.
public struct ArchiveSettings: Sendable, Equatable {
    public var path: URL
    /// Days raw objects are kept; nil keeps them forever.
    public var retentionDays: Int?

    public init(path: URL, retentionDays: Int? = nil) {
        self.path = path
        self.retentionDays = retentionDays
    }
}
