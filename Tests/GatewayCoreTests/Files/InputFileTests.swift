import Foundation
import Testing
import GatewayCore
import GatewayTestSupport

/// Hostile entries in a drop folder: only regular files that live in the
/// folder are opened, and nothing that could block is ever opened.
@Suite("Input files and drop folders")
struct InputFileTests {
    /// A folder with one good file, a symlink to a secret outside it, a symlink
    /// to /dev/zero, a FIFO and a sub-folder.
    static func hostileFolder() throws -> (TemporaryDirectory, URL) {
        let dir = try TemporaryDirectory("hostile")
        let secret = try dir.write("outside/secret.txt", "root:SECRET-HASH:19000:0:99999:7:::\n")
        let drop = dir.path("drop")
        try dir.write("drop/good.csv", "a,b\n")
        try FileManager.default.createSymbolicLink(at: drop.appendingPathComponent("shadow.csv"), withDestinationURL: secret)
        try FileManager.default.createSymbolicLink(atPath: drop.appendingPathComponent("zero.csv").path, withDestinationPath: "/dev/zero")
        #expect(mkfifo(drop.appendingPathComponent("pipe.csv").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: drop.appendingPathComponent("sub"), withIntermediateDirectories: true)
        return (dir, drop)
    }

    @Test("a listing takes regular files only and reports links and FIFOs as skipped")
    func listing() throws {
        let (dir, drop) = try Self.hostileFolder()
        _ = dir
        let listing = try DropFolder.list(drop)
        #expect(listing.files.map(\.lastPathComponent) == ["good.csv"])
        let skipped = Dictionary(uniqueKeysWithValues: listing.skipped.map { ($0.url.lastPathComponent, $0.kind) })
        #expect(skipped == ["pipe.csv": .fifo, "shadow.csv": .symlink, "zero.csv": .symlink])
        #expect(listing.skipped.allSatisfy { "\($0)".contains("skipped") })
    }

    @Test("opening refuses a symlink, a FIFO (without blocking) and a device")
    func openRefuses() throws {
        let (dir, drop) = try Self.hostileFolder()
        _ = dir
        #expect(throws: InputFileError.symlink(drop.appendingPathComponent("shadow.csv").path)) {
            try InputFile.open(drop.appendingPathComponent("shadow.csv"))
        }
        // A FIFO with no writer blocks a plain open(2) forever; this returns.
        #expect(throws: InputFileError.notRegular(drop.appendingPathComponent("pipe.csv").path, kind: .fifo)) {
            try InputFile.open(drop.appendingPathComponent("pipe.csv"))
        }
        // A path typed on the command line may be a link, but only to a regular file.
        #expect(throws: InputFileError.notRegular(drop.appendingPathComponent("zero.csv").path, kind: .characterDevice)) {
            try InputFile.open(drop.appendingPathComponent("zero.csv"), links: .follow)
        }
        #expect(throws: InputFileError.notRegular("/dev/zero", kind: .characterDevice)) {
            try InputFile.open(URL(fileURLWithPath: "/dev/zero"), links: .follow)
        }
        let followed = try InputFile.open(drop.appendingPathComponent("shadow.csv"), links: .follow)
        #expect(followed.size > 0)
        let good = try InputFile.open(drop.appendingPathComponent("good.csv"))
        #expect(good.size == 4)
    }

    @Test("archiving by path refuses what opening refuses")
    func archiveRefuses() throws {
        let (dir, drop) = try Self.hostileFolder()
        let archive = try RawArchive(root: dir.path("archive"))
        #expect(throws: InputFileError.self) { try archive.store(fileAt: drop.appendingPathComponent("shadow.csv")) }
        #expect(throws: InputFileError.self) { try RawArchive.digest(fileAt: drop.appendingPathComponent("pipe.csv")) }
        let objects = try FileManager.default.subpathsOfDirectory(atPath: dir.path("archive/objects").path)
        #expect(objects.isEmpty)
    }

    @Test("a backlog walk does not descend through a symlinked folder")
    func walk() throws {
        let dir = try TemporaryDirectory("walk")
        try dir.write("outside/private/x.csv", "secret\n")
        try dir.write("backlog/2024/a.csv", "a\n")
        try dir.write("backlog/b.csv", "b\n")
        try FileManager.default.createSymbolicLink(at: dir.path("backlog/linked"), withDestinationURL: dir.path("outside/private"))
        let listing = try DropFolder.walk(dir.path("backlog"))
        #expect(listing.files.map { $0.path.replacingOccurrences(of: dir.url.path + "/", with: "") } == ["backlog/2024/a.csv", "backlog/b.csv"])
        #expect(listing.skipped.map(\.kind) == [.symlink])
    }
}
