import Foundation
import Testing
@testable import CallLogChannel
import GatewayTestSupport

/// The CSV reader against public vectors (`Tests/Fixtures/conformance/csv-cases.json`:
/// RFC 4180, papaparse, CPython's test_csv, csv-parser, what Excel writes),
/// each case fed whole and byte by byte. A case the gateway reads differently
/// on purpose says why in its `differs`.
@Suite("CSV conformance")
struct CSVConformanceTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        struct Dialect: Decodable, Sendable {
            var delimiter: String?
            var quote: String?
            var escape: String?
            var comment: String?
            var skip_lines: Int?
        }
        var source: String
        var name: String
        var input: String
        var rows: [[String]]
        var dialect: Dialect?
        var ignored: Int?
        var malformed: Int?
        var differs: String?
        var testDescription: String { "\(source): \(name)" }

        var csvDialect: CSVDialect {
            func byte(_ s: String?) -> UInt8? { s.flatMap { $0.utf8.count == 1 ? $0.utf8.first : nil } }
            return CSVDialect(delimiter: byte(dialect?.delimiter) ?? UInt8(ascii: ","), quote: byte(dialect?.quote) ?? UInt8(ascii: "\""),
                              escape: byte(dialect?.escape), comment: byte(dialect?.comment), skipLines: dialect?.skip_lines ?? 0)
        }
    }

    static let cases: [Case] = {
        let url = RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/conformance/csv-cases.json")
        struct File: Decodable { var cases: [Case] }
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    @Test("the vectors load")
    func loaded() {
        #expect(Self.cases.count >= 30)
    }

    @Test("each case gives its source's rows, whole and fed byte by byte", arguments: cases)
    func conformance(_ c: Case) {
        for chunk in [1 << 16, 1] {
            let events = CSVRecordReaderTests.read(Array(c.input.utf8), dialect: c.csvDialect, chunk: chunk)
            let rows = events.compactMap { if case .record(let r) = $0 { r.fields } else { nil } }
            let ignored = events.filter { if case .ignored = $0 { true } else { false } }.count
            let malformed = events.filter { if case .malformed = $0 { true } else { false } }.count
            #expect(rows == c.rows, "\(c.testDescription) (chunk \(chunk))")
            #expect(ignored == (c.ignored ?? 0), "\(c.testDescription): lines ignored")
            #expect(malformed == (c.malformed ?? 0), "\(c.testDescription): rows malformed")
        }
    }

    @Test("delimiter = \"auto\" picks what Python's Sniffer picks on these files")
    func sniffing() {
        #expect(CSVDialect.sniffDelimiter(Array("a;b;c\n1;2;3\n4;\"5;6\";7\n".utf8)) == UInt8(ascii: ";"))
        #expect(CSVDialect.sniffDelimiter(Array("a\tb\tc\n1\t2,5\t3\n".utf8)) == 0x09)
        #expect(CSVDialect.sniffDelimiter(Array("a|b\n1|2\n".utf8)) == UInt8(ascii: "|"))
        #expect(CSVDialect.sniffDelimiter(Array("工单号,备注\nA-1,\"x;y\"\n".utf8)) == UInt8(ascii: ","))
        #expect(CSVDialect.sniffDelimiter(Array("报表标题;\n工单号,备注,时间\nA-1,x,y\n".utf8), skipLines: 1) == UInt8(ascii: ","))
        #expect(CSVDialect.sniffDelimiter(Array("one column only\nsecond\n".utf8)) == nil)
    }
}
