import Foundation

/// A real, tiny file system (tmpfs) mounted on a folder, to see how the
/// gateway behaves when a disk is full or read-only: the kernel's own ENOSPC
/// and EROFS, not a simulation. Needs the right to mount (root with
/// CAP_SYS_ADMIN, as on CI); `SmallFileSystem.isAvailable` tells.
public final class SmallFileSystem: Sendable {
    public let url: URL

    /// Mounts `bytes` of tmpfs on `folder` (created when missing).
    public init(at folder: URL, bytes: Int) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", folder.path])
        guard result.status == 0 else { throw MountError(message: "mount failed: \(result.stderr)") }
        url = folder
    }

    deinit {
        _ = try? ProcessRunner.run(URL(fileURLWithPath: "/bin/umount"), ["-l", url.path])
    }

    /// Remounts read-only: every later write fails with EROFS, even root's.
    public func makeReadOnly() throws {
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/mount"), ["-o", "remount,ro", url.path])
        guard result.status == 0 else { throw MountError(message: "remount failed: \(result.stderr)") }
    }

    /// Fills the file system to its last byte.
    public func fill() {
        let filler = url.appendingPathComponent("filler")
        FileManager.default.createFile(atPath: filler.path, contents: nil)
        guard let handle = try? FileHandle(forWritingTo: filler) else { return }
        let chunk = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
    }

    /// Whether this machine lets the tests mount a tmpfs.
    public static let isAvailable: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("complaint-gateway-mount-probe-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: probe) }
        return (try? SmallFileSystem(at: probe, bytes: 1 << 20)) != nil
    }()

    struct MountError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
