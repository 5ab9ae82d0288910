import Foundation

/// Folders a channel may not watch: every file in a watched folder is read,
/// archived and shown in quarantine excerpts, so watching `/etc` or the
/// gateway's own archive would leak secrets or feed the gateway its own output.
public enum WatchedFolderPolicy {
    /// System folders (and everything below them) never watched.
    static let systemFolders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/root", "/run",
                                "/sbin", "/sys", "/usr", "/var/lib", "/var/log", "/var/run"]

    /// Why `folder` may not be watched, or nil when it may.
    ///
    /// - Parameters:
    ///   - store: the SQLite database file, when the store is one.
    ///   - archive: the raw archive's folder.
    public static func problem(with folder: URL, store: URL?, archive: URL) -> String? {
        let path = canonical(folder)
        if path == "/" { return "the root folder / cannot be a drop folder; give the folder the files are dropped into" }
        if let system = systemFolders.first(where: { path == $0 || path.hasPrefix($0 + "/") }) {
            return "\(path) is a system folder (under \(system)); drop folders must be folders of their own"
        }
        for (what, other) in [("the store", store?.deletingLastPathComponent()), ("the archive", archive)] {
            guard let other else { continue }
            let otherPath = canonical(other)
            if otherPath == path || otherPath.hasPrefix(path + "/") {
                return "\(path) holds \(what) (\(otherPath)); a drop folder must not contain the gateway's own files"
            }
            if path.hasPrefix(otherPath + "/") && what == "the archive" {
                return "\(path) is inside the archive (\(otherPath)); a drop folder must not be among the gateway's own files"
            }
        }
        return nil
    }

    /// The absolute path with symlinks resolved as far as it exists, without a trailing slash.
    static func canonical(_ url: URL) -> String {
        var path = url.standardizedFileURL.resolvingSymlinksInPath().path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
