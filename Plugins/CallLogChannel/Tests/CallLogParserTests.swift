import Foundation
import Testing
import ComplaintModel
import GatewayCore
@testable import CallLogChannel
import GatewayTestSupport

/// Parses `file` with a call_log channel configured by `settings` (TOML lines).
func parseCallLog(_ file: URL, _ settings: String) throws -> [ParseEvent] {
    let loaded = try TestChannels.load("[[channel]]\nname = \"t\"\ntype = \"call_log\"\n\(settings)", plugins: [CallLogPlugin()])
    let data = try Data(contentsOf: file)
    let reader = try loaded.channels[0].parser.open(RawInput(url: file, sha256: "", size: data.count, mediaType: "text/csv", originalName: file.lastPathComponent))
    var events: [ParseEvent] = []
    while let e = try reader.next() { events.append(e) }
    return events
}

extension [ParseEvent] {
    var drafts: [ComplaintDraft] { compactMap { if case .complaint(let d) = $0 { d } else { nil } } }
    var rejections: [Rejection] { compactMap { if case .rejected(let r) = $0 { r } else { nil } } }
    var skippedCount: Int { filter { if case .skipped = $0 { true } else { false } }.count }
}

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

@Suite("Call-log parser")
struct CallLogParserTests {
    @Test("Asterisk Master.csv: rule, E.164, local time, malformed rows quarantined with line numbers")
    func asterisk() throws {
        let events = try parseCallLog(fixtures.appendingPathComponent("asterisk-master.csv"), """
            format = "asterisk"
            time_zone = "Asia/Shanghai"
            match_queues = ["complaints"]
            """)
        #expect(events.count == 7)
        let drafts = events.drafts
        #expect(drafts.map(\.location) == ["line 1", "line 2", "line 7"])
        #expect(events.skippedCount == 1)
        #expect(events.rejections.map(\.location) == ["line 4", "line 5", "line 6"])
        #expect(events.rejections[0].reason.contains("bad start time \"not a date\""))
        #expect(events.rejections[1].reason == "expected 16 to 21 columns, found 6")
        #expect(events.rejections[2].reason.contains("quote"))

        let first = drafts[0]
        #expect(first.customer.phone == "+8613812345678")
        #expect(first.customer.name == "Zhang Wei")
        #expect(first.body == "bill charged twice")
        #expect(first.occurredAt == RFC3339.date(from: "2026-11-20T01:15:02Z"))
        #expect(first.attributes["duration_seconds"] == .int(405))
        #expect(first.attributes["disposition"] == "ANSWERED")
        #expect(first.attributes["queue"] == "complaints")
        #expect(first.attributes["agent"] == "SIP/agent7-1b")
        #expect(first.attributes["billsec"] == "387")
        #expect(first.sourceID.hasPrefix("1763601302.26#"))

        let unanswered = drafts[1]
        #expect(unanswered.customer.phone == "+8613987654321")
        #expect(unanswered.body == "Call from +8613987654321 to complaints, NO ANSWER, 89 s")
        #expect(unanswered.attributes["answer"] == nil)
    }

    @Test("the same row always gets the same source id, different rows of one call differ")
    func stableSourceIDs() throws {
        let file = fixtures.appendingPathComponent("asterisk-master.csv")
        let a = try parseCallLog(file, "format = \"asterisk\"").drafts.map(\.sourceID)
        let b = try parseCallLog(file, "format = \"asterisk\"").drafts.map(\.sourceID)
        #expect(a == b)
        #expect(Set(a).count == a.count)
    }

    @Test("a GBK call-centre export with a header, multi-line notes and GBK-only characters")
    func gbkExport() throws {
        let events = try parseCallLog(fixtures.appendingPathComponent("callcentre-gbk.csv"), """
            format = "mapped"
            encoding = "gbk"
            time_zone = "Asia/Shanghai"
            columns = { id = "工单号", caller_number = "主叫号码", caller_name = "客户姓名", agent = "坐席", queue = "技能组", start = "开始时间", end = "结束时间", disposition = "处理结果", notes = "通话小结" }
            match_queues = ["投诉专线"]
            """)
        let drafts = events.drafts
        // A-005's row is one field short (ragged = "keep", the default): kept, saying so.
        #expect(drafts.map(\.sourceID) == ["A-001", "A-003", "A-005", "A-006"])
        #expect(drafts[2].warnings.contains("the row has 8 fields, the header 9; the missing ones are absent"), "\(drafts[2].warnings)")
        #expect(events.skippedCount == 1)
        #expect(events.rejections.map(\.location) == ["line 6"])
        #expect(events.rejections[0].reason.contains("2026/11/31 9:40"))
        let strict = try parseCallLog(fixtures.appendingPathComponent("callcentre-gbk.csv"), """
            format = "mapped"
            encoding = "gbk"
            ragged = "quarantine"
            columns = { id = "工单号", start = "开始时间", notes = "通话小结" }
            """)
        #expect(strict.rejections.map(\.reason).contains("expected 9 columns, found 8"))

        let a = drafts[0]
        #expect(a.body == "客户投诉宽带断网三天，要求减免月租。\r\n已登记工单，承诺48小时内上门。")
        #expect(a.location == "lines 2-3")
        #expect(a.customer.name == "陈先生")
        #expect(a.customer.phone == "+8613800138000")
        #expect(a.occurredAt == RFC3339.date(from: "2026-11-20T00:05:00Z"))
        #expect(a.attributes["duration_seconds"] == .int(420))
        #expect(a.attributes["agent"] == "王丽")
        #expect(a.warnings.isEmpty)
        #expect(drafts[1].customer.name == "镕基")
        #expect(drafts[1].body == "说\"重复扣费\"，要求退款，𠀀")
    }

    @Test("the same GBK file read as UTF-8 warns instead of failing")
    func wrongEncodingWarns() throws {
        let events = try parseCallLog(fixtures.appendingPathComponent("callcentre-gbk.csv"), """
            format = "mapped"
            header = false
            columns = { id = 1, start = 6 }
            """)
        // The header row is data now and its start column is not a date.
        let drafts = events.drafts
        #expect(!drafts.isEmpty)
        #expect(drafts.allSatisfy { $0.warnings.contains { $0.contains("encoding = \"gbk\"") } })
    }

    @Test("match rules: dispositions and keywords; no rule takes every row")
    func rules() throws {
        let file = fixtures.appendingPathComponent("asterisk-master.csv")
        #expect(try parseCallLog(file, "format = \"asterisk\"").drafts.count == 4)
        #expect(try parseCallLog(file, "format = \"asterisk\"\nmatch_dispositions = [\"no answer\"]").drafts.map(\.location) == ["line 2"])
        #expect(try parseCallLog(file, "format = \"asterisk\"\nmatch_keywords = [\"CHARGED\"]").drafts.map(\.location) == ["line 1"])
    }

    @Test("a header missing a mapped column rejects the input with what the header has")
    func missingHeaderColumn() throws {
        let dir = try TemporaryDirectory("calllog")
        let file = try dir.write("x.csv", "Caller,Start\n123,2026-01-01 00:00:00\n")
        #expect {
            _ = try parseCallLog(file, "format = \"mapped\"\ncolumns = { start = \"Start\", notes = \"Notes\" }")
        } throws: { error in
            let r = error as? Rejection
            return r?.reason.contains("\"Notes\" (columns.notes)") == true && r?.reason.contains("\"Caller\", \"Start\"") == true
        }
    }

    @Test("durations as h:mm:ss, end times, epoch seconds and explicit offsets")
    func timesAndDurations() throws {
        let dir = try TemporaryDirectory("calllog")
        let file = try dir.write("x.csv", """
            id;start;end;duration
            1;2026-03-05T09:07:02+08:00;;0:01:05
            2;1763601302;2025-11-20 01:16:02;
            """)
        let drafts = try parseCallLog(file, "format = \"mapped\"\ndelimiter = \";\"\ncolumns = { id = \"id\", start = \"start\", end = \"end\", duration = \"duration\" }").drafts
        #expect(drafts.count == 2)
        #expect(drafts[0].occurredAt == RFC3339.date(from: "2026-03-05T01:07:02Z"))
        #expect(drafts[0].attributes["duration_seconds"] == .int(65))
        #expect(drafts[1].occurredAt == RFC3339.date(from: "2025-11-20T01:15:02Z"))
        #expect(drafts[1].attributes["duration_seconds"] == .int(60))
    }

    @Test("time parsing edge cases")
    func timeParser() {
        let p = CallTimeParser(timeZone: TimeZone(identifier: "America/New_York")!)
        // 2026-03-08 02:30 does not exist in New York (DST gap); 01:30 is EST.
        #expect(p.parse("2026-03-08 01:30:00") == RFC3339.date(from: "2026-03-08T06:30:00Z"))
        #expect(p.parse("2026-07-01 12:00") == RFC3339.date(from: "2026-07-01T16:00:00Z"))
        #expect(p.parse("2026-02-29 00:00:00") == nil)
        #expect(p.parse("2026-1-5 7:05") == RFC3339.date(from: "2026-01-05T12:05:00Z"))
        #expect(p.parse("05/01/2026 07:05") == nil)
        #expect(CallTimeParser.seconds("1:02:03") == 3723)
        #expect(CallTimeParser.seconds("12.6") == 13)
        #expect(CallTimeParser.seconds("abc") == nil)
        // Found by the fuzzer under load: a duration that does not fit an Int trapped the parser.
        for hostile in ["inf", "1e300", "nan", "-1", "99999999999999999:00", "9223372036854775807", "1000000001", "17:99999999999999:00"] {
            #expect(CallTimeParser.seconds(hostile) == nil, "\(hostile)")
        }
        #expect(CallTimeParser.seconds("1000000000") == 1_000_000_000)
    }
}

@Suite("Call-log settings checks")
struct CallLogSettingsTests {
    static func problems(_ settings: String) -> [ConfigProblem] {
        TestChannels.problems("[[channel]]\nname = \"t\"\ntype = \"call_log\"\n\(settings)", plugins: [CallLogPlugin()])
    }

    @Test("a bad time_zone is reported together with a bad format (not only once format is fixed)")
    func timeZoneBesideBadFormat() {
        let problems = Self.problems("format = \"nosuch\"\ntime_zone = \"Mars/Base\"\ntime_format = [\"%Q\"]")
        #expect(problems.contains { $0.line == 4 && $0.message.contains("\"nosuch\" is not allowed") }, "\(problems)")
        #expect(problems.contains { $0.line == 5 && $0.message.contains("unknown time zone \"Mars/Base\"") }, "\(problems)")
    }

    @Test("each bad value is reported at its line")
    func badValues() {
        let problems = Self.problems("""
            format = "asterisk"
            encoding = "gbx"
            default_country = "ZZ"
            time_zone = "Mars/Olympus"
            delimiter = ",,"
            columns = { start = "Start" }
            max_record_bytes = 10
            """)
        #expect(problems.map(\.line) == [5, 6, 7, 8, 9, 10])
        #expect(problems[0].message.contains("unknown charset \"gbx\""))
        #expect(problems[1].message.contains("unsupported country \"ZZ\""))
        #expect(problems[2].message.contains("unknown time zone \"Mars/Olympus\""))
        #expect(problems[3].message.contains("one ASCII character"))
        #expect(problems[4].message.contains("only used with format = \"mapped\""))
        #expect(problems[5].message.contains("at least 1024"))
    }

    @Test("mapped exports need columns with a start; positions need header = false")
    func mapped() {
        #expect(Self.problems("format = \"mapped\"").first?.message.contains("needs a columns table") == true)
        #expect(Self.problems("format = \"mapped\"\ncolumns = { notes = \"N\" }").first?.message.contains("missing required column \"start\"") == true)
        #expect(Self.problems("format = \"mapped\"\nheader = false\ncolumns = { start = \"S\" }").first?.message.contains("1-based position") == true)
        #expect(Self.problems("format = \"mapped\"\ncolumns = { start = \"S\", callr = \"x\" }").first?.message.contains("unknown key \"callr\"") == true)
        #expect(Self.problems("format = \"mapped\"\ncolumns = { start = 0 }").first?.key == "channel \"t\" columns.start")
        #expect(Self.problems("").first?.message.contains("missing required key \"format\"") == true)
        #expect(Self.problems("format = \"mapped\"\ncolumns = { start = \"S\" }").isEmpty)
    }

    @Test("column positions beyond a sane bound are refused, with the other problems of the same run")
    func columnBound() {
        let problems = Self.problems("""
            format = "mapped"
            header = false
            encoding = 7
            columns = { start = 1, notes = 1000000 }
            """)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.message.contains("expected a charset name") })
        #expect(problems.contains { $0.message.contains("column 1000000 is beyond the last column a call log can have (1000)") })
        #expect(Self.problems("format = \"mapped\"\nheader = false\ncolumns = { start = 1, notes = 1000 }").isEmpty)
    }
}
