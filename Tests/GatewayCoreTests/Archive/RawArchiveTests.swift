import Foundation
import Testing
import GatewayCore
import GatewayTestSupport

@Suite("Raw archive")
struct RawArchiveTests {
    @Test("objects are content-addressed, immutable and stored once")
    func storeOnce() throws {
        let dir = try TemporaryDirectory("archive")
        let archive = try RawArchive(root: dir.path("archive"))
        let a = try dir.write("a.csv", "same bytes\n")
        let b = try dir.write("b.csv", "same bytes\n")
        let first = try archive.store(fileAt: a)
        let second = try archive.store(fileAt: b)
        // sha256sum of "same bytes\n"
        #expect(first.sha256 == "abb7f0ae43ba52cc56233a5ecb4dfa11765f26b1282a18346d811b6a85af19c1")
        #expect(first.sha256 == second.sha256)
        #expect(first.isNew && !second.isNew)
        #expect(first.size == 11)
        #expect(try Data(contentsOf: first.url) == Data("same bytes\n".utf8))
        #expect(first.url.path.contains("/objects/\(first.sha256.prefix(2))/\(first.sha256.dropFirst(2).prefix(2))/"))
        #expect(!FileManager.default.isWritableFile(atPath: first.url.path) || getuid() == 0)
        let tmp = try FileManager.default.contentsOfDirectory(atPath: dir.path("archive/tmp").path)
        #expect(tmp.isEmpty, "no temporary files left behind")
    }

    @Test("the digest matches an independent SHA-256")
    func digestMatchesSha256sum() throws {
        let dir = try TemporaryDirectory("archive")
        let file = try dir.write("x", Data((0..<300_000).map { UInt8($0 % 251) }))
        let archive = try RawArchive(root: dir.path("archive"))
        let object = try archive.store(fileAt: file)
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [file.path])
        #expect(result.stdout.hasPrefix(object.sha256))
        #expect(try RawArchive.digest(fileAt: file).sha256 == object.sha256)
    }

    @Test("verify detects a corrupted object")
    func verify() throws {
        let dir = try TemporaryDirectory("archive")
        let archive = try RawArchive(root: dir.path("archive"))
        let object = try archive.store(data: Data("original".utf8))
        #expect(try archive.verify(object.sha256))
        chmod(object.url.path, 0o644)
        try Data("tampered".utf8).write(to: object.url)
        #expect(try archive.verify(object.sha256) == false)
        #expect(try archive.verify(String(repeating: "0", count: 64)) == false)
    }

    @Test("an unreadable source is an error, not an empty object")
    func unreadable() throws {
        let dir = try TemporaryDirectory("archive")
        let archive = try RawArchive(root: dir.path("archive"))
        #expect(throws: InputFileError.missing(dir.path("missing.csv").path)) { try archive.store(fileAt: dir.path("missing.csv")) }
    }
}
