import Foundation

/// The files a channel's drop folder holds, as `ingest` and `serve` see them.
public enum DropFolder {
    /// The folder's regular files, by name.
    ///
    /// Hidden files, sub-folders and files still being written by convention
    /// (`.tmp`, `.part`: write under such a name, then rename, and the gateway
    /// never reads half a file) are left out silently. Symlinks, FIFOs, sockets
    /// and devices are left out and reported in `skipped`: they are never
    /// opened (a FIFO would block, a link could point anywhere). Entries are
    /// looked at with `lstat`, so a link is never followed while listing.
    public static func list(_ folder: URL) throws -> DropFolderListing {
        var listing = DropFolderListing()
        guard FileKind(lstatAt: folder.path) != nil else { return listing }
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            guard !name.hasPrefix("."), !name.hasSuffix(".tmp"), !name.hasSuffix(".part") else { continue }
            listing.take(folder.appendingPathComponent(name))
        }
        return listing
    }

    /// Every regular file below `root`, in path order (a backlog to import):
    /// hidden and partial files left out, sub-folders descended into but never
    /// through a symlink, other entries reported as skipped.
    public static func walk(_ root: URL, maxDepth: Int = 64) throws -> DropFolderListing {
        var listing = DropFolderListing()
        func descend(_ dir: URL, depth: Int) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
                guard !name.hasPrefix("."), !name.hasSuffix(".tmp"), !name.hasSuffix(".part") else { continue }
                let url = dir.appendingPathComponent(name)
                if FileKind(lstatAt: url.path) == .directory {
                    if depth < maxDepth { try descend(url, depth: depth + 1) }
                } else {
                    listing.take(url)
                }
            }
        }
        try descend(root, depth: 0)
        listing.files.sort { $0.path < $1.path }
        return listing
    }
}

/// What a listing of a drop folder (or a folder layout such as a Maildir) found.
public struct DropFolderListing: Sendable, Equatable {
    /// Regular files to ingest, in order.
    public var files: [URL] = []
    /// Entries that are not regular files and are never read.
    public var skipped: [SkippedEntry] = []

    public init(files: [URL] = [], skipped: [SkippedEntry] = []) {
        self.files = files
        self.skipped = skipped
    }

    /// Sorts the entry at `url` by its `lstat` kind: a regular file is taken,
    /// a directory is ignored (layouts descend into their own), anything else
    /// is skipped with its kind.
    public mutating func take(_ url: URL) {
        guard let kind = FileKind(lstatAt: url.path) else { return }  // gone meanwhile
        switch kind {
        case .regular: files.append(url)
        case .directory: break
        default: skipped.append(SkippedEntry(url: url, kind: kind))
        }
    }

    public static func += (lhs: inout DropFolderListing, rhs: DropFolderListing) {
        lhs.files += rhs.files
        lhs.skipped += rhs.skipped
    }
}

/// A folder entry that is not ingested because it is not a regular file.
public struct SkippedEntry: Sendable, Hashable, CustomStringConvertible {
    public var url: URL
    public var kind: FileKind

    public init(url: URL, kind: FileKind) {
        self.url = url
        self.kind = kind
    }

    public var description: String {
        kind == .symlink
            ? "\(url.path): skipped: a symbolic link (only regular files inside the folder are ingested)"
            : "\(url.path): skipped: a \(kind.rawValue), not a regular file"
    }
}
