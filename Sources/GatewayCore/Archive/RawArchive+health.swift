import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RawArchive {
    /// Below this much free space the archive reports itself unable to take
    /// inputs (a form post is refused with 503 rather than failing half-way).
    public static let minimumFreeBytes: UInt64 = 16 << 20

    /// Why the archive cannot take an input right now, or nil when it can: a
    /// real write probe in its `tmp` folder (permissions alone say nothing for
    /// root or a read-only mount) and the free space of its file system.
    public func unwritableReason() -> String? {
        let probe = root.appendingPathComponent("tmp").appendingPathComponent(".probe-\(UUID().uuidString)")
        let fd = open(probe.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot write to \(root.path): \(ArchiveError.explain(errno))" }
        close(fd)
        unlink(probe.path)
        var stats = statvfs()
        if statvfs(root.path, &stats) == 0 {
            let free = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
            if free < Self.minimumFreeBytes {
                return "the disk holding \(root.path) is full (\(free / 1024) KiB free, at least \(Self.minimumFreeBytes >> 20) MiB needed)"
            }
        }
        return nil
    }
}
