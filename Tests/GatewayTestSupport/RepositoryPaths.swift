import Foundation

/// Where things are relative to this repository, for tests.
public enum RepositoryPaths {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The shared corpus of real inputs (`$COMPLAINT_GATEWAY_CORPUS`, or
    /// `../shared/corpus` beside the repository), or nil where it is absent:
    /// corpus tests are skipped then.
    public static let corpus: URL? = {
        if let env = ProcessInfo.processInfo.environment["COMPLAINT_GATEWAY_CORPUS"] {
            return URL(fileURLWithPath: env)
        }
        let beside = root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : nil
    }()

    public static var hasCorpus: Bool { corpus != nil }

    /// A file in the corpus.
    public static func corpusFile(_ relative: String) -> URL? {
        corpus.map { $0.appendingPathComponent(relative) }
    }

    /// True when running under CI, where a missing tool is a failure, not a skip.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
}
