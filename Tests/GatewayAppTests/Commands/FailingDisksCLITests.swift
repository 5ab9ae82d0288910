import Foundation
import Testing
import GatewayTestSupport

/// `ingest` when the disk says no: a full or read-only archive is "try again
/// later" (75) with a message naming the folder and the cause; a damaged
/// database is not (1) and says so. No SQL and no Foundation error numbers.
@Suite("ingest on failing disks")
struct FailingDisksCLITests {
    static func expectPlainWords(_ text: String) {
        for leak in ["Error Domain", "Cocoa error", "NSCocoaErrorDomain", "SELECT ", "INSERT ", "UPDATE ", "PRAGMA"] {
            #expect(!text.contains(leak), "the message carries \(leak): \(text)")
        }
    }

    @Test("a full archive disk exits 75 and names the cause; nothing half-stored", .enabled(if: SmallFileSystem.isAvailable, "needs the right to mount a tmpfs"))
    func fullDisk() throws {
        let ws = try CLITests.workspace()
        let disk = try SmallFileSystem(at: ws.path("state/archive"), bytes: 256 * 1024)
        try ws.write("big.csv", Data(repeating: UInt8(ascii: "x"), count: 512 * 1024))
        let r = try CLITests.run(["ingest", "--channel", "pbx", "big.csv"], in: ws.url)
        #expect(r.status == 75, "\(r.stderr)")
        #expect(r.stderr.contains("disk is full"), "\(r.stderr)")
        #expect(r.stderr.contains("try again later"))
        Self.expectPlainWords(r.stderr)
        let tmp = try FileManager.default.contentsOfDirectory(atPath: disk.url.appendingPathComponent("tmp").path)
        #expect(tmp.isEmpty, "the partial object is removed: \(tmp)")
    }

    @Test("a read-only archive exits 75 and names the cause", .enabled(if: SmallFileSystem.isAvailable, "needs the right to mount a tmpfs"))
    func readOnlyArchive() throws {
        let ws = try CLITests.workspace()
        let disk = try SmallFileSystem(at: ws.path("state/archive"), bytes: 4 << 20)
        let first = try CLITests.run(["ingest"], in: ws.url)
        #expect(first.status == 0, "\(first.stderr)")
        try disk.makeReadOnly()
        let r = try CLITests.run(["ingest", "--channel", "callcentre", "export.csv"], in: ws.url)
        #expect(r.status == 75, "\(r.stderr)")
        #expect(r.stderr.contains("read-only"), "\(r.stderr)")
        Self.expectPlainWords(r.stderr)
    }

    @Test("a damaged database exits 1 and says it is damaged, not 'try again later'")
    func damagedDatabase() throws {
        let ws = try CLITests.workspace()
        let first = try CLITests.run(["ingest"], in: ws.url)
        #expect(first.status == 0, "\(first.stderr)")
        // Overwrite the first pages, header included, as a failing disk or a careless copy would.
        // A careless copy takes the main file alone: pages still in a write-ahead log left
        // behind (a process exiting before its last connection closed) would hide the damage.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(at: ws.path("state/c.sqlite\(suffix)")) }
        let handle = try FileHandle(forWritingTo: ws.path("state/c.sqlite"))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 8192))
        try handle.close()
        let r = try CLITests.run(["ingest", "--channel", "callcentre", "export.csv"], in: ws.url)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("damaged"), "\(r.stderr)")
        #expect(r.stderr.contains("c.sqlite"))
        #expect(!r.stderr.contains("try again later"))
        Self.expectPlainWords(r.stderr)
    }
}
