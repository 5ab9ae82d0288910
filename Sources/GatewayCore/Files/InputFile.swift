import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// open(2), reachable from a type that has an `open` method of its own.
private func posixOpen(_ path: String, _ flags: Int32) -> Int32 {
    open(path, flags)
}

/// A file opened for ingestion: a regular file, proven so by `fstat` on the
/// open descriptor, so that what is checked is what is read.
///
/// Drop folders are written by other people's programs and must be treated as
/// hostile: a symlink to `/etc/shadow`, a FIFO that blocks `open(2)` forever,
/// `/dev/zero` that never ends. Opening with `O_NOFOLLOW | O_NONBLOCK` and then
/// checking the descriptor closes both the symlink and the blocking-open holes,
/// and there is no window between a check by path and the read in which the
/// entry could be swapped.
public final class InputFile {
    /// Whether a symlink may stand for the file.
    public enum Links: Sendable {
        /// Drop folders: a symlink is refused (`O_NOFOLLOW`).
        case refuse
        /// A path an operator typed on the command line: a symlink is followed,
        /// but what it points to must still be a regular file.
        case follow
    }

    public let url: URL
    public let handle: FileHandle
    /// Size and modification time as `fstat` reported them when opened.
    public let size: Int
    public let modified: Date

    private init(url: URL, handle: FileHandle, size: Int, modified: Date) {
        self.url = url
        self.handle = handle
        self.size = size
        self.modified = modified
    }

    deinit { try? handle.close() }

    /// Opens `url` for reading, refusing anything that is not a regular file.
    public static func open(_ url: URL, links: Links = .refuse) throws -> InputFile {
        var flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        if links == .refuse { flags |= O_NOFOLLOW }
        let fd = posixOpen(url.path, flags)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP && links == .refuse { throw InputFileError.symlink(url.path) }
            if code == ENXIO { throw InputFileError.notRegular(url.path, kind: FileKind(lstatAt: url.path) ?? .socket) }
            if code == ENOENT { throw InputFileError.missing(url.path) }
            throw InputFileError.unreadable(url.path, String(cString: strerror(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw InputFileError.unreadable(url.path, reason)
        }
        let kind = FileKind(mode: info.st_mode)
        guard kind == .regular else {
            close(fd)
            throw InputFileError.notRegular(url.path, kind: kind)
        }
        // Regular files never block; clear O_NONBLOCK so reads behave as usual.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        return InputFile(url: url, handle: FileHandle(fileDescriptor: fd, closeOnDealloc: true),
                         size: Int(info.st_size), modified: modified)
    }

    /// Moves back to the first byte (after hashing, before archiving).
    public func rewind() throws {
        try handle.seek(toOffset: 0)
    }
}

/// What kind of directory entry a path is, as `lstat` sees it (links not followed).
public enum FileKind: String, Sendable, Equatable {
    case regular = "regular file"
    case directory
    case symlink
    case fifo = "FIFO"
    case socket
    case characterDevice = "character device"
    case blockDevice = "block device"
    case other = "special file"

    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .other
        }
    }

    /// The entry's kind without following a final symlink; nil when it does not exist.
    public init?(lstatAt path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        self.init(mode: info.st_mode)
    }
}

/// Why an input file was not opened. The messages name the path and what an
/// admin can do about it.
public enum InputFileError: Error, CustomStringConvertible, Equatable {
    case symlink(String)
    case notRegular(String, kind: FileKind)
    case missing(String)
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .symlink(let path):
            "\(path): is a symbolic link; only regular files inside the folder are ingested (move or copy the file itself into the folder)"
        case .notRegular(let path, let kind):
            "\(path): is a \(kind.rawValue), not a regular file; it is not read"
        case .missing(let path):
            "\(path): no such file"
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        }
    }
}
