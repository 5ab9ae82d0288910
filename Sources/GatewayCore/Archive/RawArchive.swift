import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// write(2), reachable from types that have a `write` method of their own.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// An object stored in the raw archive.
public struct ArchivedObject: Sendable, Equatable {
    /// Lower-case hex SHA-256 of the content; also its name in the archive.
    public var sha256: String
    public var size: Int
    /// Where the immutable object lives.
    public var url: URL
    /// False when identical content was already archived (stored once).
    public var isNew: Bool

    public init(sha256: String, size: Int, url: URL, isNew: Bool) {
        self.sha256 = sha256
        self.size = size
        self.url = url
        self.isNew = isNew
    }
}

/// The content-addressed store of every raw input, written before anything
/// parses it, so nothing received is ever lost and any input can be replayed.
///
/// Objects live at `objects/ab/cd/abcd…` named by the SHA-256 of their bytes.
/// Writing streams through a temporary file in the same file system, hashing on
/// the way, then fsyncs and renames it into place: a crash leaves either the
/// whole object or none, and identical inputs are stored once. Memory use does
/// not depend on the input's size.
public struct RawArchive: Sendable {
    public let root: URL
    /// Who may read objects and folders (owner only by default: raw inputs hold personal data).
    public let permissions: FilePermissions
    private static let chunkSize = 1 << 20

    /// Opens (and creates when needed) the archive at `root`.
    ///
    /// The root's mode is set to the policy's folder mode each time, so an
    /// archive created world-readable by an earlier version is closed to
    /// others from the first start of this one.
    public init(root: URL, permissions: FilePermissions = .ownerOnly) throws {
        self.root = root
        self.permissions = permissions
        do {
            try permissions.createDirectories(at: root.appendingPathComponent("objects"))
            try permissions.createDirectories(at: root.appendingPathComponent("tmp"))
        } catch let error as FolderCreationError {
            throw ArchiveError.unwritable(error.path, error.reason)
        }
        if chmod(root.path, permissions.directoryMode) != 0 {
            throw ArchiveError.unwritable(root.path, ArchiveError.explain(errno))
        }
    }

    /// The location of the object with this digest (whether or not it exists).
    public func url(for sha256: String) -> URL {
        let a = sha256.prefix(2), b = sha256.dropFirst(2).prefix(2)
        return root.appendingPathComponent("objects").appendingPathComponent(String(a)).appendingPathComponent(String(b)).appendingPathComponent(sha256)
    }

    /// Whether an object with this digest is stored.
    public func contains(_ sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: url(for: sha256).path)
    }

    /// Archives the file at `source` (streamed, whatever its size); only a
    /// regular file is read (see `InputFile`).
    public func store(fileAt source: URL, links: InputFile.Links = .refuse) throws -> ArchivedObject {
        try store(try InputFile.open(source, links: links))
    }

    /// Archives an opened input file from its first byte.
    public func store(_ file: InputFile) throws -> ArchivedObject {
        try file.rewind()
        return try store(reading: file.handle)
    }

    /// Archives everything readable from `handle` (a file, a pipe, stdin).
    public func store(reading handle: FileHandle) throws -> ArchivedObject {
        try write { emit in
            while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty {
                try emit(chunk)
            }
        }
    }

    /// Archives bytes held in memory (a request body).
    ///
    /// The digest is known before writing, so a body already archived costs no
    /// write at all, and a new one is written beside its final name and renamed
    /// within one directory. (Creating every file in one shared `tmp/` and
    /// renaming across directories made ext4's inode allocation and directory
    /// locks the top of the profile under a stream of small form posts.)
    public func store(data: Data) throws -> ArchivedObject {
        let sha = Hex.encode(SHA256.hash(data: data))
        let final = url(for: sha)
        if FileManager.default.fileExists(atPath: final.path) {
            return ArchivedObject(sha256: sha, size: data.count, url: final, isNew: false)
        }
        let dir = final.deletingLastPathComponent()
        do {
            try permissions.createDirectories(at: dir)
        } catch let error as FolderCreationError {
            throw ArchiveError.unwritable(error.path, error.reason)
        }
        let tmp = dir.appendingPathComponent(".\(sha).\(UUID().uuidString).tmp")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions.objectMode)
        guard fd >= 0 else { throw ArchiveError.unwritable(tmp.path, ArchiveError.explain(errno)) }
        var failure: String? = nil
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = ArchiveError.explain(errno)
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = ArchiveError.explain(errno) }
        close(fd)
        if failure == nil, rename(tmp.path, final.path) != 0 { failure = ArchiveError.explain(errno) }
        if let failure {
            unlink(tmp.path)
            throw ArchiveError.unwritable(final.path, failure)
        }
        Self.syncDirectory(dir)
        return ArchivedObject(sha256: sha, size: data.count, url: final, isNew: true)
    }

    private func write(_ produce: ((Data) throws -> Void) throws -> Void) throws -> ArchivedObject {
        let writer = try makeWriter()
        do {
            try produce { try writer.append($0) }
        } catch {
            writer.abort()
            throw error
        }
        return try writer.finish()
    }

    /// Starts an object whose bytes arrive piece by piece (an HTTP request body
    /// streamed from the socket). Append, then `finish` to store it or `abort`.
    public func makeWriter() throws -> Writer {
        try Writer(archive: self)
    }

    /// Writes one object as its bytes arrive: into a temporary file, hashing on
    /// the way; `finish` fsyncs and renames it into place.
    ///
    /// Belongs to one task at a time (it is not `Sendable`).
    public final class Writer {
        private let archive: RawArchive
        private let tmp: URL
        private let fd: Int32
        private var hasher = SHA256()
        private var done = false
        /// Bytes appended so far.
        public private(set) var size = 0

        init(archive: RawArchive) throws {
            self.archive = archive
            tmp = archive.root.appendingPathComponent("tmp").appendingPathComponent(UUID().uuidString)
            // Created read-only with the archive's mode: the descriptor still
            // writes, and the object is never readable by others, not even while
            // it is being written.
            let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, archive.permissions.objectMode)
            guard fd >= 0 else {
                throw ArchiveError.unwritable(tmp.path, ArchiveError.explain(errno))
            }
            self.fd = fd
        }

        deinit {
            // A writer dropped without finish (an error, a cancelled request)
            // leaves no temporary file behind.
            if !done { abort() }
        }

        public func append(_ chunk: Data) throws {
            try chunk.withUnsafeBytes { try append($0) }
        }

        /// Written with write(2), not FileHandle: a full disk is then reported
        /// as such (ENOSPC), not as a Foundation error number.
        public func append(_ bytes: UnsafeRawBufferPointer) throws {
            hasher.update(bufferPointer: bytes)
            size += bytes.count
            var offset = 0
            while offset < bytes.count {
                let n = posixWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ArchiveError.unwritable(archive.root.path, ArchiveError.explain(errno))
                }
                offset += n
            }
        }

        /// Discards what was written.
        public func abort() {
            guard !done else { return }
            done = true
            close(fd)
            unlink(tmp.path)
        }

        /// Makes the object durable under its digest and returns it.
        public func finish() throws -> ArchivedObject {
            precondition(!done, "archive writer used after finish or abort")
            if fsync(fd) != 0 {
                let reason = ArchiveError.explain(errno)
                abort()
                throw ArchiveError.unwritable(archive.root.path, reason)
            }
            close(fd)
            done = true
            let sha = Hex.encode(hasher.finalize())
            let final = archive.url(for: sha)
            if FileManager.default.fileExists(atPath: final.path) {
                try? FileManager.default.removeItem(at: tmp)
                return ArchivedObject(sha256: sha, size: size, url: final, isNew: false)
            }
            let dir = final.deletingLastPathComponent()
            do {
                try archive.permissions.createDirectories(at: dir)
            } catch let error as FolderCreationError {
                try? FileManager.default.removeItem(at: tmp)
                throw ArchiveError.unwritable(error.path, error.reason)
            }
            guard rename(tmp.path, final.path) == 0 else {
                let reason = ArchiveError.explain(errno)
                try? FileManager.default.removeItem(at: tmp)
                throw ArchiveError.unwritable(final.path, reason)
            }
            RawArchive.syncDirectory(dir)
            return ArchivedObject(sha256: sha, size: size, url: final, isNew: true)
        }
    }

    /// Makes the rename durable: without it a power cut can lose the directory entry.
    fileprivate static func syncDirectory(_ dir: URL) {
        let fd = open(dir.path, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// Deletes a stored object (retention); a missing one is not an error.
    public func remove(_ sha256: String) throws {
        let url = url(for: sha256)
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        try FileManager.default.removeItem(at: url)
    }

    /// Re-hashes a stored object; true when its bytes still match its name.
    public func verify(_ sha256: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: url(for: sha256).path) else { return false }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return Hex.encode(hasher.finalize()) == sha256
    }

    /// SHA-256 and size of a file, streamed, without archiving it (dry runs);
    /// only a regular file is read (see `InputFile`).
    public static func digest(fileAt url: URL, links: InputFile.Links = .refuse) throws -> (sha256: String, size: Int) {
        try digest(of: try InputFile.open(url, links: links))
    }

    /// SHA-256 and size of an opened input file, read from its first byte.
    public static func digest(of file: InputFile) throws -> (sha256: String, size: Int) {
        try file.rewind()
        let handle = file.handle
        var hasher = SHA256()
        var size = 0
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += chunk.count
        }
        return (Hex.encode(hasher.finalize()), size)
    }
}

/// Why the archive could not take or give an object.
public enum ArchiveError: Error, CustomStringConvertible {
    case unreadable(String, String)
    case unwritable(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write to the archive at \(path): \(reason)"
        }
    }

    /// Whether retrying later can succeed (a full disk, a read-only mount),
    /// as opposed to an input that cannot be read.
    public var isTransient: Bool {
        if case .unwritable = self { return true }
        return false
    }

    /// The cause of a failed system call, with what to do about it.
    public static func explain(_ code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: "the disk is full (or over quota); free space, then retry"
        case EROFS: "the file system is mounted read-only"
        case EACCES, EPERM: "permission denied; the archive must be writable by the user the gateway runs as"
        case EIO: "the disk reported an I/O error"
        default: String(cString: strerror(code))
        }
    }
}
