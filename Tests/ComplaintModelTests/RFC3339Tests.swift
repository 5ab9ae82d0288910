import Foundation
import Testing
import ComplaintModel

@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    @Test("formats UTC with milliseconds only when present")
    func formats() {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_763_601_302)) == "2025-11-20T01:15:02Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_763_601_302.25)) == "2025-11-20T01:15:02.250Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test("parses offsets and fractions, and round-trips")
    func parses() throws {
        let d = try #require(RFC3339.date(from: "2026-11-20T01:15:02.5Z"))
        #expect(RFC3339.string(from: d) == "2026-11-20T01:15:02.500Z")
        #expect(RFC3339.date(from: "2026-11-20T09:15:02+08:00") == RFC3339.date(from: "2026-11-20T01:15:02Z"))
        #expect(RFC3339.date(from: "2026-11-20T01:15:02-05:30") == RFC3339.date(from: "2026-11-20T06:45:02Z"))
    }

    @Test("rejects impossible dates and malformed text", arguments: [
        "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-20T24:00:00Z",
        "2026-11-20 01:15:02", "2026-11-20T01:15:02", "yesterday", "", "2026-11-20T01:15:02Zjunk",
    ])
    func rejects(_ text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }

    @Test("leap years")
    func leapYears() {
        #expect(RFC3339.isValidDate(2024, 2, 29))
        #expect(RFC3339.isValidDate(2000, 2, 29))
        #expect(!RFC3339.isValidDate(1900, 2, 29))
        #expect(!RFC3339.isValidDate(2026, 4, 31))
    }
}
