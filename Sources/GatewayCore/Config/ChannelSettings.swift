import Foundation

/// One `[[channel]]` table as a plugin sees it: typed access to its keys, with
/// the file and line of each key so a plugin can report a bad value precisely.
///
/// The loader has already checked that every key is declared by the plugin and
/// has the declared kind, so the typed accessors only return nil for absent keys.
public struct ChannelSettings: Sendable {
    /// The channel's unique name.
    public var name: String
    /// The plugin type.
    public var type: String
    /// The keys as written (including `name` and `type`).
    public var values: [String: ConfigValue]
    /// The key path prefix used in messages, e.g. `channel[2]`.
    public var keyPrefix: String
    /// The configuration file, for messages.
    public var file: String
    /// Folder against which relative paths are resolved (the config file's folder).
    public var baseDirectory: URL
    /// How `secret(_:)` treats a reference it cannot resolve (see `ConfigLoader.ServingSecrets`).
    public var servingSecrets: ConfigLoader.ServingSecrets = .required
    let locator: TOMLKeyLocator

    public init(name: String, type: String, values: [String: ConfigValue], keyPrefix: String = "channel",
                file: String = "<settings>", baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                locator: TOMLKeyLocator = TOMLKeyLocator(text: "")) {
        self.name = name
        self.type = type
        self.values = values
        self.keyPrefix = keyPrefix
        self.file = file
        self.baseDirectory = baseDirectory
        self.locator = locator
    }

    public func string(_ key: String) -> String? { values[key]?.stringValue }
    public func int(_ key: String) -> Int? { values[key]?.intValue }
    public func bool(_ key: String) -> Bool? { values[key]?.boolValue }
    public func strings(_ key: String) -> [String]? { values[key]?.stringArrayValue }
    public func table(_ key: String) -> [String: ConfigValue]? { values[key]?.tableValue }

    /// A path option resolved against the config file's folder.
    public func path(_ key: String) -> URL? {
        string(key).map { ConfigPaths.resolve($0, against: baseDirectory) }
    }

    /// A problem with `key` (a dotted path below the channel, e.g. `columns.start`),
    /// located at the key's line.
    public func problem(_ key: String, _ message: String) -> ConfigProblem {
        let path = "\(keyPrefix).\(key)"
        return ConfigProblem(file: file, line: locator.line(of: path), key: "channel \"\(name)\" \(key)", message: message)
    }
}

/// Resolution of paths written in the configuration.
public enum ConfigPaths {
    /// `path` as an absolute, standardized file URL: unchanged when absolute,
    /// under `base` (the configuration file's folder) when relative.
    ///
    /// Built without asking the file system whether it is a folder (Foundation
    /// adds a trailing `/` when it is): the same text resolves to the same URL
    /// before and after the folder exists, so a reload compares settings, not
    /// the state of the disk.
    public static func resolve(_ path: String, against base: URL) -> URL {
        let full = path.hasPrefix("/") ? path : base.path + "/" + path
        return URL(fileURLWithPath: full, isDirectory: false).standardizedFileURL
    }
}
