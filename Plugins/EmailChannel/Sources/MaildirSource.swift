import Foundation
import GatewayCore

/// The messages of a Maildir (or Maildir++) tree: `new/` and `cur/` of the
/// folder and of its sub-folders, never `tmp/` (messages being delivered).
///
/// Flags come from the file name's info part, `:2,FLAGS` or `;2,FLAGS` (the
/// separator used where `:` is not allowed in file names).
public enum MaildirSource {
    /// One message file.
    public struct Message: Sendable, Equatable {
        public var url: URL
        /// `INBOX` for the top folder, else the Maildir++ name (`Support.Escalated`).
        public var folder: String
        /// Standard flags in file-name order: Passed, Replied, Seen, Trashed, Draft, Flagged.
        public var flags: [String]
    }

    /// Whether `folder` is a Maildir: it has a `cur` or `new` sub-folder.
    public static func isMaildir(_ folder: URL) -> Bool {
        let fm = FileManager.default
        return isDirectory(folder.appendingPathComponent("cur")) || isDirectory(folder.appendingPathComponent("new"))
            || ((try? fm.contentsOfDirectory(atPath: folder.path))?.contains { $0.hasPrefix(".") && $0 != "." && $0 != ".."
                && isDirectory(folder.appendingPathComponent($0).appendingPathComponent("cur")) } ?? false)
    }

    /// Every message in the tree, by folder then file name.
    public static func messages(in root: URL) throws -> [Message] {
        var found: [Message] = []
        var skipped = DropFolderListing()
        try collect(root, folder: "INBOX", depth: 0, into: &found, skipped: &skipped)
        return found
    }

    /// The tree's message files, with the entries that are not regular files
    /// (a symlink, a FIFO) reported as skipped. Symlinked folders are not
    /// descended into: everything read really lives inside the Maildir.
    public static func listing(in root: URL) throws -> DropFolderListing {
        var found: [Message] = []
        var skipped = DropFolderListing()
        try collect(root, folder: "INBOX", depth: 0, into: &found, skipped: &skipped)
        return DropFolderListing(files: found.map(\.url), skipped: skipped.skipped)
    }

    private static func collect(_ dir: URL, folder: String, depth: Int, into found: inout [Message],
                                skipped: inout DropFolderListing) throws {
        let fm = FileManager.default
        for sub in ["new", "cur"] {
            let path = dir.appendingPathComponent(sub)
            guard isDirectory(path) else { continue }
            for name in try fm.contentsOfDirectory(atPath: path.path).sorted() where !name.hasPrefix(".") {
                let url = path.appendingPathComponent(name)
                var entry = DropFolderListing()
                entry.take(url)
                skipped.skipped += entry.skipped
                guard !entry.files.isEmpty else { continue }
                found.append(Message(url: url, folder: folder, flags: flags(fromFileName: name)))
            }
        }
        guard depth < 16 else { return }
        for name in try fm.contentsOfDirectory(atPath: dir.path).sorted() {
            guard !["new", "cur", "tmp", ".", ".."].contains(name) else { continue }
            let url = dir.appendingPathComponent(name)
            guard isDirectory(url), isMaildir(url) else { continue }
            // Maildir++ names sub-folders ".Name.Sub" beside each other; nested
            // layouts put them inside; both end up as "Name.Sub".
            let own = name.hasPrefix(".") ? String(name.dropFirst()) : name
            try collect(url, folder: depth == 0 ? own : "\(folder).\(own)", depth: depth + 1, into: &found, skipped: &skipped)
        }
    }

    /// Flags named by a Maildir file name's `:2,` / `;2,` info; lower-case
    /// letters (IMAP keywords of some servers) are not standard flags.
    public static func flags(fromFileName name: String) -> [String] {
        guard let range = name.range(of: ":2,") ?? name.range(of: ";2,") else { return [] }
        let names: [Character: String] = ["P": "Passed", "R": "Replied", "S": "Seen", "T": "Trashed", "D": "Draft", "F": "Flagged"]
        var flags: [String] = []
        for c in name[range.upperBound...] {
            if let flag = names[c], !flags.contains(flag) { flags.append(flag) }
        }
        return flags
    }

    /// A real directory: a symlink to one is not followed, so nothing outside
    /// the tree is listed.
    static func isDirectory(_ url: URL) -> Bool {
        FileKind(lstatAt: url.path) == .directory
    }
}
