import Foundation
import Testing
import GatewayCore
import GatewayTestSupport

@Suite("File permissions of the archive")
struct FilePermissionsTests {
    static func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("objects and folders are owner-only by default, whatever way the object arrives")
    func ownerOnly() throws {
        let dir = try TemporaryDirectory("perm")
        let archive = try RawArchive(root: dir.path("archive"))
        let fromFile = try archive.store(fileAt: try dir.write("in.csv", "x\n"))
        let fromData = try archive.store(data: Data("form body".utf8))
        let writer = try archive.makeWriter()
        try writer.append(Data("streamed".utf8))
        let streamed = try writer.finish()
        for object in [fromFile, fromData, streamed] {
            #expect(try Self.mode(object.url) == 0o400, "\(object.url.path)")
            #expect(try Self.mode(object.url.deletingLastPathComponent()) == 0o700)
        }
        #expect(try Self.mode(dir.path("archive")) == 0o700)
    }

    @Test("an archive created world-readable is closed to others when opened")
    func tightensExisting() throws {
        let dir = try TemporaryDirectory("perm")
        try FileManager.default.createDirectory(at: dir.path("archive/objects"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        chmod(dir.path("archive").path, 0o755)
        _ = try RawArchive(root: dir.path("archive"))
        #expect(try Self.mode(dir.path("archive")) == 0o700)
    }

    @Test("[archive] mode lets the group read, never others")
    func groupMode() throws {
        let group = try #require(FilePermissions(octal: "0640"))
        #expect(group.objectMode == 0o440 && group.directoryMode == 0o750)
        for bad in ["0666", "0644", "0400", "abc", "", "10600", "0604"] {
            #expect(FilePermissions(octal: bad) == nil, "\(bad)")
        }
        let dir = try TemporaryDirectory("perm")
        let archive = try RawArchive(root: dir.path("archive"), permissions: group)
        let object = try archive.store(data: Data("y".utf8))
        #expect(try Self.mode(object.url) == 0o440)
        #expect(try Self.mode(object.url.deletingLastPathComponent()) == 0o750)
    }
}
