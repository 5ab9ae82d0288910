import Foundation
import Testing
import GatewayTestSupport

/// `ingest` against drop folders an attacker (or a careless admin) filled:
/// links out of the folder, FIFOs and devices are never read, the run ends,
/// and what the gateway writes is not readable by others.
@Suite("ingest with hostile drop folders")
struct HostileFilesCLITests {
    @Test("symlinks and FIFOs are skipped with one warning each; nothing outside the folder reaches the archive")
    func hostileDropFolder() throws {
        let ws = try CLITests.workspace()
        let secret = try ws.write("outside/shadow", "root:SECRET-SHADOW-LINE:19000:0:99999:7:::\n")
        let drop = ws.path("drop/pbx")
        try FileManager.default.createSymbolicLink(at: drop.appendingPathComponent("shadow.csv"), withDestinationURL: secret)
        try FileManager.default.createSymbolicLink(atPath: drop.appendingPathComponent("zero.csv").path, withDestinationPath: "/dev/zero")
        #expect(mkfifo(drop.appendingPathComponent("fifo.csv").path, 0o600) == 0)

        // Before the fix this blocked forever on the FIFO (and hashed /dev/zero forever).
        let r = try CLITests.run(["ingest"], in: ws.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.last == "ingested 1 input: read 7, new 3, updated 0, unchanged 0, quarantined 3, skipped 1")
        for name in ["shadow.csv", "zero.csv", "fifo.csv"] {
            #expect(r.stderr.components(separatedBy: "drop/pbx/\(name)").count - 1 == 1, "one warning for \(name): \(r.stderr)")
        }
        #expect(!r.stderr.contains("SECRET-SHADOW-LINE"))
        let q = try CLITests.run(["quarantine"], in: ws.url)
        #expect(!q.stdout.contains("SECRET-SHADOW-LINE"))
        let objects = try FileManager.default.subpathsOfDirectory(atPath: ws.path("state/archive/objects").path)
        for object in objects {
            let path = ws.path("state/archive/objects").appendingPathComponent(object).path
            if let data = FileManager.default.contents(atPath: path) {
                #expect(!String(decoding: data, as: UTF8.self).contains("SECRET-SHADOW-LINE"))
            }
        }
    }

    @Test("a symlink named on the command line is followed only to a regular file")
    func commandLineLinks() throws {
        let ws = try CLITests.workspace()
        try FileManager.default.createSymbolicLink(atPath: ws.path("zero.csv").path, withDestinationPath: "/dev/zero")
        try FileManager.default.createSymbolicLink(at: ws.path("export-link.csv"), withDestinationURL: ws.path("export.csv"))
        let zero = try CLITests.run(["ingest", "--channel", "callcentre", "zero.csv"], in: ws.url)
        #expect(zero.status == 66, "\(zero.stderr)")
        #expect(zero.stderr.contains("zero.csv: is a character device, not a regular file"))
        let linked = try CLITests.run(["ingest", "--channel", "callcentre", "export-link.csv"], in: ws.url)
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.lines.last?.hasPrefix("ingested 1 input") == true)
    }

    @Test("the store and the archive are created owner-only")
    func ownerOnlyFiles() throws {
        let ws = try CLITests.workspace()
        let r = try CLITests.run(["ingest"], in: ws.url)
        #expect(r.status == 0, "\(r.stderr)")
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: ws.path(path).path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode("state/c.sqlite") == 0o600)
        #expect(try mode("state") == 0o700)
        #expect(try mode("state/archive") == 0o700)
        let objects = ws.path("state/archive/objects")
        for object in try FileManager.default.subpathsOfDirectory(atPath: objects.path) {
            let m = try mode("state/archive/objects/\(object)")
            #expect(m == 0o400 || m == 0o700, "\(object): \(String(m, radix: 8))")
        }
    }
}
