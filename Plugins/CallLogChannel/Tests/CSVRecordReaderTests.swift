import Foundation
import Testing
@testable import CallLogChannel
import GatewayTestSupport

@Suite("Streaming CSV reader")
struct CSVRecordReaderTests {
    /// Reads `bytes` fed in chunks of `chunk` bytes.
    static func read(_ bytes: [UInt8], chunk: Int = 1 << 16, delimiter: Character = ",", maxRecordBytes: Int = 1 << 20) -> [CSVEvent] {
        read(bytes, dialect: CSVDialect(delimiter: delimiter.asciiValue!), chunk: chunk, maxRecordBytes: maxRecordBytes)
    }

    /// Reads `bytes` in `dialect`, fed in chunks of `chunk` bytes.
    static func read(_ bytes: [UInt8], dialect: CSVDialect, chunk: Int = 1 << 16, maxRecordBytes: Int = 1 << 20) -> [CSVEvent] {
        var reader = CSVRecordReader(dialect: dialect, maxRecordBytes: maxRecordBytes)
        var events: [CSVEvent] = []
        var i = 0
        while i < bytes.count {
            reader.feed(bytes[i..<min(i + chunk, bytes.count)])
            while let e = reader.nextEvent() { events.append(e) }
            i += chunk
        }
        reader.finish()
        while let e = reader.nextEvent() { events.append(e) }
        return events
    }

    static func read(_ text: String, chunk: Int = 1 << 16, delimiter: Character = ",") -> [CSVEvent] {
        read(Array(text.utf8), chunk: chunk, delimiter: delimiter)
    }

    static func rows(_ events: [CSVEvent]) -> [[String]] {
        events.compactMap { if case .record(let r) = $0 { r.fields } else { nil } }
    }

    @Test("quoted fields with delimiters, doubled quotes and line breaks")
    func quoting() {
        let events = Self.read("a,\"b,c\",\"say \"\"hi\"\"\"\n\"multi\nline\",2,\"\"\n")
        #expect(Self.rows(events) == [["a", "b,c", "say \"hi\""], ["multi\nline", "2", ""]])
        guard case .record(let second) = events[1] else { Issue.record("expected a record"); return }
        #expect(second.firstLine == 2 && second.lastLine == 3)
        #expect(second.location == "lines 2-3")
    }

    @Test("CRLF, LF and lone CR line ends; CRLF kept inside quotes; BOM dropped; blank lines skipped")
    func lineEnds() {
        #expect(Self.rows(Self.read("\u{FEFF}a,b\r\n1,2\r\n\r\n3,4")) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(Self.rows(Self.read("a,b\r1,2\r")) == [["a", "b"], ["1", "2"]])
        #expect(Self.rows(Self.read("x,\"1\r\n2\"\r\ny,z\r\n")) == [["x", "1\r\n2"], ["y", "z"]])
        #expect(Self.rows(Self.read("a,b,\n")) == [["a", "b", ""]])
        #expect(Self.rows(Self.read("x")) == [["x"]])
        #expect(Self.rows(Self.read("\u{FEFF}")) == [])
    }

    @Test("chunk boundaries anywhere give the same records")
    func chunking() {
        let text = "\u{FEFF}id,note\r\n1,\"投诉：\r\n\"\"重复扣费\"\"\"\r\n2,plain\r\n3,\"end\"\r\n"
        let whole = Self.read(text)
        for chunk in [1, 2, 3, 5, 7] {
            #expect(Self.read(text, chunk: chunk) == whole, "chunk size \(chunk)")
        }
        #expect(Self.rows(whole).count == 4)
    }

    @Test("other delimiters", arguments: [";", "\t", "|"] as [Character])
    func delimiters(_ d: Character) {
        let text = "a\(d)\"b\(d)c\"\(d)d\n"
        #expect(Self.rows(Self.read(text, delimiter: d)) == [["a", "b\(d)c", "d"]])
    }

    @Test("an unbalanced quote costs one line, and reading resumes on the next")
    func unbalancedQuoteRecovery() {
        let events = Self.read("1,ok\n2,\"broken,x\n3,\"fine\"\n4,ok\n")
        #expect(events.count == 4)
        guard case .malformed(let line, let reason, let excerpt) = events[1] else { Issue.record("expected malformed"); return }
        #expect(line == 2)
        #expect(reason.contains("quote"))
        #expect(excerpt == "2,\"broken,x")
        #expect(Self.rows(events) == [["1", "ok"], ["3", "fine"], ["4", "ok"]])
        if case .record(let r) = events[2] { #expect(r.firstLine == 3) }
    }

    @Test("text after a closing quote on the same line skips that line")
    func garbageAfterQuote() {
        let events = Self.read("\"a\"b,c\nd,e\n")
        guard case .malformed(let line, _, _) = events[0] else { Issue.record("expected malformed"); return }
        #expect(line == 1)
        #expect(Self.rows(events) == [["d", "e"]])
        if case .record(let r) = events[1] { #expect(r.firstLine == 2) }
    }

    @Test("a quote still open at the end of input is malformed")
    func openAtEnd() {
        let events = Self.read("1,ok\n2,\"never closed\n")
        #expect(Self.rows(events) == [["1", "ok"]])
        guard case .malformed(let line, let reason, _) = events.last else { Issue.record("expected malformed"); return }
        #expect(line == 2)
        #expect(reason.contains("not closed"))
    }

    @Test("a record over the size limit is malformed, not a memory blow-up")
    func sizeLimit() {
        let long = "2,\"" + String(repeating: "x", count: 5000) + "\n"
        let events = Self.read(Array(("1,a\n" + long + "3,b\n").utf8), maxRecordBytes: 2048)
        #expect(events.contains { if case .malformed(2, _, _) = $0 { true } else { false } })
        #expect(Self.rows(events).first == ["1", "a"])
    }

    @Test("invalid UTF-8 is replaced and flagged")
    func invalidUTF8() {
        let events = Self.read([0x61, 0x2C, 0xCD, 0x41, 0xFF, 0x0A])
        guard case .record(let r) = events.first else { Issue.record("expected a record"); return }
        #expect(r.hadInvalidUTF8)
        #expect(r.fields[1].contains("\u{FFFD}"))
    }

    @Test("csv-spectrum cases match their oracles", .enabled(if: RepositoryPaths.hasCorpus, "needs ../shared/corpus"))
    func csvSpectrum() throws {
        let base = try #require(RepositoryPaths.corpusFile("csv/csv-spectrum"))
        let names = try FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent("csvs").path)
            .filter { $0.hasSuffix(".csv") }.sorted()
        #expect(names.count >= 12)
        for name in names {
            let bytes = Array(try Data(contentsOf: base.appendingPathComponent("csvs/\(name)")))
            let events = Self.read(bytes, chunk: 3)
            let rows = Self.rows(events)
            if name == "location_coordinates.csv" {
                // Upstream's oracle is wrong for this one: it must only not crash.
                #expect(!rows.isEmpty)
                continue
            }
            let oracleURL = base.appendingPathComponent("json/\(name.dropLast(4)).json")
            let oracle = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: oracleURL)) as? [[String: String]])
            let header = try #require(rows.first, "\(name)")
            let objects = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            #expect(objects == oracle, "\(name)")
        }
    }
}
