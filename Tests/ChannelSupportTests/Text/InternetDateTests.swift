import Foundation
import Testing
@testable import ChannelSupport
import GatewayCore

@Suite("InternetDate")
struct InternetDateTests {
    @Test(arguments: [
        ("Wed, 22 Nov 2023 08:15:00 +0800", "2023-11-22T00:15:00Z"),
        ("22 Nov 2023 08:15 +0800 (CST)", "2023-11-22T00:15:00Z"),
        ("Wed, 11 Feb 98 11:51 CST", "1998-02-11T17:51:00Z"),
        ("Mon,  4 Mar 2024 09:00:00 -0000", "2024-03-04T09:00:00Z"),
        ("04-Mar-2024 09:00:00 +0100", "2024-03-04T08:00:00Z"),
        ("2024/03/04 09:00:00 +0800", "2024-03-04T01:00:00Z"),
        ("2024-03-04T09:00:00Z", "2024-03-04T09:00:00Z"),
        ("2024-03-04T09:00:00+08:00", "2024-03-04T01:00:00Z"),
        ("2024-03-04 09:00:00 +0800", "2024-03-04T01:00:00Z"),
        ("  2024-03-04", "2024-03-04T00:00:00Z"),
    ])
    func dates(text: String, expected: String) throws {
        let parsed = try #require(InternetDate.parse(text))
        #expect(parsed.date == ISO8601DateFormatter().date(from: expected))
    }

    @Test func dateWithoutZoneIsFlagged() throws {
        let parsed = try #require(InternetDate.parse("Mon, 4 Mar 2024 09:00:00"))
        #expect(parsed.zoneMissing)
        #expect(InternetDate.parse("sometime last week") == nil)
    }

    @Test func fractionsAreKept() throws {
        let parsed = try #require(InternetDate.parse("2024-03-04T09:00:00.250Z"))
        #expect(parsed.date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) == 0.25)
        #expect(InternetDate.parse("2024-13-04T09:00:00Z") == nil)
    }

    @Test("the arithmetic agrees with a Gregorian calendar in UTC, leap years and month ends included")
    func arithmeticMatchesCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let (y, m, d) = (Int.random(in: 1601...2400, using: &generator), Int.random(in: 1...12, using: &generator), Int.random(in: 1...31, using: &generator))
            let (h, mi, s) = (Int.random(in: 0...23, using: &generator), Int.random(in: 0...59, using: &generator), Int.random(in: 0...59, using: &generator))
            let expected = try #require(calendar.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: mi, second: s)))
            #expect(InternetDate.utcSeconds(year: y, month: m, day: d, hour: h, minute: mi, second: s) == expected.timeIntervalSince1970,
                    "\(y)-\(m)-\(d) \(h):\(mi):\(s)")
        }
    }
}
