import Foundation

/// A channel's watched folder that cannot be scanned: missing, not a folder,
/// or not readable by this process. `check` warns about it, `/readyz` shows
/// it per channel, and `ingest` refuses the channel, instead of "0 inputs".
public struct WatchedFolderProblem: Sendable, Hashable, CustomStringConvertible {
    public var channel: String
    /// The channel key that names the folder (`drop_folder`, `maildir`, …).
    public var key: String
    public var path: String
    public var reason: String

    public var description: String { "channel \"\(channel)\" \(key) \(path) \(reason)" }
}

extension ConfiguredChannel {
    /// The problems of each folder the channel watches; empty when all can be scanned.
    public func watchedFolderProblems() -> [WatchedFolderProblem] {
        plugin.watchedFolders(in: settings).compactMap { key, url in
            guard let reason = Self.unscannableReason(url.path) else { return nil }
            return WatchedFolderProblem(channel: name, key: key, path: url.path, reason: reason)
        }
    }

    /// Why a folder cannot be scanned, or nil. The folder itself may be a
    /// link (an admin's choice); what it holds is checked entry by entry later.
    static func unscannableReason(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "does not exist" : "cannot be examined: \(String(cString: strerror(errno)))"
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "is not a folder" }
        guard access(path, R_OK | X_OK) == 0 else { return "cannot be read: \(String(cString: strerror(errno)))" }
        return nil
    }
}
