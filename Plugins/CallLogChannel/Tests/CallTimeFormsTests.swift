import Foundation
import Testing
import ComplaintModel
import GatewayCore
@testable import CallLogChannel
import GatewayTestSupport

/// Issue 43: the dates Chinese exports write, and a reason that says what is wrong.
@Suite("Call times: Chinese forms, Excel serials, time_format")
struct CallTimeFormsTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    @Test("built in: 年月日 with or without leading zeros, 时分, slashes, ISO 8601 with an offset, Excel serial days")
    func builtInChineseForms() {
        let p = CallTimeParser(timeZone: shanghai)
        let nineThirty = RFC3339.date(from: "2026-12-01T01:30:00Z")
        for text in ["2026年12月1日 9:30", "2026年12月01日 09:30", "2026年12月1日9:30", "2026 年 12 月 1 日 9:30:00", "2026年12月1日 9时30分",
                     "2026/12/1 9:30:00", "2026/12/01 09:30", "2026-12-01T09:30+08:00", "2026-12-01T01:30Z", "2026-12-01 09:30:00 +0800",
                     "46357.3958333333", " 46357.395833 "] {
            #expect(p.parse(text) == nineThirty, "\(text)")
        }
        #expect(p.parse("2026年12月1日") == RFC3339.date(from: "2026-11-30T16:00:00Z"))
        #expect(p.parse("46357") == RFC3339.date(from: "2026-11-30T16:00:00Z"), "a whole serial is midnight, wall time")
        #expect(p.parse("4635") == nil && p.parse("463570") == nil, "only five-digit serials: other numbers are not dates")
    }

    @Test("an impossible date says what is impossible: no 31 November, no month 13, no 29 February in 2026, no hour 25")
    func impossibleDates() {
        let p = CallTimeParser(timeZone: shanghai)
        #expect(p.read("2026/11/31 9:40") == .impossible("there is no 31 November"))
        #expect(p.read("2026年11月31日 9:40") == .impossible("there is no 31 November"))
        #expect(p.read("2026-13-01 09:40") == .impossible("there is no month 13"))
        #expect(p.read("2026-02-29 00:00") == .impossible("there is no 29 February in 2026 (not a leap year)"))
        #expect(p.read("2026-02-01 25:00") == .impossible("there is no hour 25"))
        #expect(p.read("01.12.2026 09:30") == .unrecognized)
    }

    @Test("time_format patterns are tried first, in order, with literals, AM/PM (上午/下午), month names and offsets")
    func patterns() throws {
        let compiled = try ["%d/%m/%Y %H:%M", "%Y年%m月%d日 %p%I:%M", "%d-%b-%y %I:%M:%S %p", "%Y%m%d%H%M%S%z"].map { try CallTimePattern.compile($0).get() }
        let p = CallTimeParser(timeZone: shanghai, patterns: compiled)
        let nineThirty = RFC3339.date(from: "2026-12-01T01:30:00Z")
        for text in ["01/12/2026 09:30", "1/12/2026 9:30", "2026年12月01日 上午9:30", "01-Dec-26 09:30:00 AM", "20261201093000+0800"] {
            #expect(p.parse(text) == nineThirty, "\(text)")
        }
        #expect(p.parse("2026年12月01日 下午9:30") == RFC3339.date(from: "2026-12-01T13:30:00Z"))
        #expect(p.read("31/11/2026 09:30") == .impossible("there is no 31 November"))
        #expect(p.parse("2026-12-01 09:30") == nineThirty, "the built-in forms still apply")
        #expect(p.expectation().contains("time_format \"%d/%m/%Y %H:%M\""))
    }

    @Test("a bad pattern is refused with the directive and what is known")
    func badPatterns() {
        guard case .failure(let unknown) = CallTimePattern.compile("%Y-%m-%d %Q") else { Issue.record("accepted %Q"); return }
        #expect(unknown.text.contains("unknown directive %Q"))
        guard case .failure(let dayless) = CallTimePattern.compile("%H:%M") else { Issue.record("accepted a pattern without a date"); return }
        #expect(dayless.text.contains("needs a year"))
    }

    @Test("a channel with time_format takes its export's dates; the reason for a refused row names the patterns")
    func channelTimeFormat() throws {
        let dir = try TemporaryDirectory("calllog")
        let file = try dir.write("x.csv", "id,start\n1,01.12.2026 09:30\n2,2026年12月1日 9:30\n3,31.11.2026 09:30\n4,yesterday\n")
        let parsed = try parseCallLog(file, "format = \"mapped\"\ntime_zone = \"Asia/Shanghai\"\ntime_format = [\"%d.%m.%Y %H:%M\"]\ncolumns = { id = \"id\", start = \"start\" }")
        #expect(parsed.drafts.map(\.occurredAt) == [RFC3339.date(from: "2026-12-01T01:30:00Z"), RFC3339.date(from: "2026-12-01T01:30:00Z")])
        let reasons = parsed.rejections.map(\.reason)
        #expect(reasons.count == 2)
        #expect(reasons.first?.contains("there is no 31 November") == true, "\(reasons)")
        #expect(reasons.last?.contains("time_format \"%d.%m.%Y %H:%M\"") == true, "\(reasons)")
    }
}
