import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who may read what the gateway writes: raw inputs and the store hold
/// personal data, so by default only the owner (files 0600, folders 0700).
/// `[archive] mode` widens it for a deployment that needs group access
/// (`"0640"` for a backup user in the group).
public struct FilePermissions: Sendable, Equatable {
    /// Permission bits as configured (`0o600`).
    public var mode: mode_t

    public static let ownerOnly = FilePermissions(mode: 0o600)

    public init(mode: mode_t) {
        self.mode = mode & 0o777
    }

    /// Parses an octal mode such as `"0640"`; nil when it is not octal, grants
    /// anything to others than read, or leaves the owner unable to read and write.
    public init?(octal text: String) {
        guard !text.isEmpty, text.count <= 4, let value = mode_t(text, radix: 8), value & ~0o777 == 0,
              value & 0o600 == 0o600, value & 0o037 == 0 else { return nil }
        self.init(mode: value)
    }

    /// Mode of an immutable archive object: readable as configured, writable by nobody.
    public var objectMode: mode_t { mode & 0o444 }

    /// Mode of a folder: searchable by whoever may read.
    public var directoryMode: mode_t { mode | ((mode & 0o444) >> 2) | 0o700 }

    /// `mkdir -p` with this policy's folder mode for every folder it creates
    /// (existing ones are left as they are).
    public func createDirectories(at url: URL) throws {
        var missing: [String] = []
        var path = url.standardizedFileURL.path
        while !path.isEmpty, path != "/", FileKind(lstatAt: path) == nil {
            missing.append(path)
            path = (path as NSString).deletingLastPathComponent
        }
        for dir in missing.reversed() {
            if mkdir(dir, directoryMode) != 0 && errno != EEXIST {
                throw FolderCreationError(path: dir, reason: String(cString: strerror(errno)))
            }
        }
    }
}

/// A folder the gateway needs could not be made.
public struct FolderCreationError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot create the folder \(path): \(reason)" }
}
