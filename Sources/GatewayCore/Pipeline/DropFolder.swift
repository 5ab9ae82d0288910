import Foundation

/// The files a channel's drop folder holds, as `ingest` and `serve` see them.
public enum DropFolder {
    /// The folder's files, by name, skipping hidden files, sub-folders and
    /// files still being written by convention (`.tmp`, `.part`: write under
    /// such a name, then rename, and the gateway never reads half a file).
    public static func files(in folder: URL) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return names.compactMap { name in
            guard !name.hasPrefix("."), !name.hasSuffix(".tmp"), !name.hasSuffix(".part") else { return nil }
            let url = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return url
        }
    }
}
