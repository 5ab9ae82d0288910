import Foundation
import Testing
import ComplaintModel
import GatewayCore
@testable import CallLogChannel
import GatewayTestSupport

/// No column is lost (issue 35): unmapped columns reach `attributes` for
/// every layout, repeated headers keep both values, ragged rows are kept and
/// say so, values are kept as written unless `trim = true`.
@Suite("Call-log columns: nothing dropped")
struct CallLogColumnsTests {
    static func parse(_ csv: String, _ settings: String) throws -> [ParseEvent] {
        let dir = try TemporaryDirectory("calllog-columns")
        return try parseCallLog(try dir.write("x.csv", csv), settings)
    }

    @Test("header = false with positional columns: every column past the mapped ones is kept as column_N")
    func positionalKeepsEveryColumn() throws {
        let drafts = try Self.parse("2026-12-01 09:30,13800138000,broadband down,extra one,extra two\n",
                                    "format = \"mapped\"\nheader = false\ncolumns = { start = 1, caller_number = 2, notes = 3 }").drafts
        #expect(drafts.count == 1)
        #expect(drafts.first?.attributes["column_4"] == "extra one")
        #expect(drafts.first?.attributes["column_5"] == "extra two")
    }

    @Test("a repeated header keeps both values (name, name_2); an empty header name becomes column_N")
    func repeatedHeaders() throws {
        let drafts = try Self.parse("start,备注,备注,,notes\n2026-12-01 09:30,first,second,nameless,the call\n",
                                    "format = \"mapped\"\ncolumns = { start = \"start\", notes = \"notes\" }").drafts
        let attributes = try #require(drafts.first?.attributes)
        #expect(attributes["备注"] == "first")
        #expect(attributes["备注_2"] == "second")
        #expect(attributes["column_4"] == "nameless")
    }

    @Test("ragged rows: kept with a warning (extra fields as column_N), or quarantined with ragged = \"quarantine\"")
    func raggedRows() throws {
        let csv = "start,notes\n2026-12-01 09:30,long,spill\n2026-12-01 09:31\n"
        let kept = try Self.parse(csv, "format = \"mapped\"\ncolumns = { start = \"start\", notes = \"notes\" }")
        #expect(kept.drafts.count == 2)
        #expect(kept.drafts[0].attributes["column_3"] == "spill")
        #expect(kept.drafts[0].warnings.contains { $0.contains("the row has 3 fields, the header 2") })
        #expect(kept.drafts[1].warnings.contains { $0.contains("the missing ones are absent") })
        let strict = try Self.parse(csv, "format = \"mapped\"\nragged = \"quarantine\"\ncolumns = { start = \"start\", notes = \"notes\" }")
        #expect(strict.drafts.isEmpty)
        #expect(strict.rejections.map(\.reason) == ["expected 2 columns, found 3", "expected 2 columns, found 1"])
    }

    @Test("values are kept as written; trim = true removes the white space around them")
    func trimming() throws {
        let csv = "start,account,notes\n2026-12-01 09:30,  00042 ,  indented note\n"
        let columns = "columns = { start = \"start\", notes = \"notes\" }"
        let asWritten = try Self.parse(csv, "format = \"mapped\"\n\(columns)").drafts
        #expect(asWritten.first?.attributes["account"] == "  00042 ")
        let trimmed = try Self.parse(csv, "format = \"mapped\"\ntrim = true\n\(columns)").drafts
        #expect(trimmed.first?.attributes["account"] == "00042")
    }

    @Test("skip_lines, comments, blank and padded rows are counted as skipped, never read as data")
    func titlesCommentsBlanks() throws {
        let csv = "客户投诉日报\n导出时间 2026-12-01\nstart,notes\n# a note from the exporter\n2026-12-01 09:30,first\n\n,\n2026-12-01 09:31,second\n"
        let events = try Self.parse(csv, "format = \"mapped\"\nskip_lines = 2\ncomment = \"#\"\ncolumns = { start = \"start\", notes = \"notes\" }")
        #expect(events.drafts.map(\.body) == ["first", "second"])
        #expect(events.skippedCount == 5, "two title lines, a comment, a blank line and an empty row")
        #expect(events.rejections.isEmpty)
    }

    @Test("delimiter = \"auto\" reads a semicolon export and a tab export with one channel")
    func autoDelimiter() throws {
        let settings = "format = \"mapped\"\ndelimiter = \"auto\"\ncolumns = { start = \"start\", notes = \"notes\" }"
        #expect(try Self.parse("start;notes\n2026-12-01 09:30;\"a; b\"\n", settings).drafts.first?.body == "a; b")
        #expect(try Self.parse("start\tnotes\n2026-12-01 09:30\tc, d\n", settings).drafts.first?.body == "c, d")
    }

    @Test("the dialect's keys are checked: one character each, distinct")
    func dialectChecks() {
        let problems = CallLogSettingsTests.problems("format = \"asterisk\"\nquote = \"''\"\ncomment = \",\"\nskip_lines = -1\nragged = \"drop\"")
        #expect(problems.contains { $0.message.contains("quote") || ($0.key ?? "").contains("quote") }, "\(problems)")
        #expect(problems.contains { $0.message.contains("the comment character cannot be the delimiter") }, "\(problems)")
        #expect(problems.contains { $0.message.contains("must be from 0 to 10000") }, "\(problems)")
        #expect(problems.contains { $0.message.contains("\"drop\" is not allowed") }, "\(problems)")
    }
}
