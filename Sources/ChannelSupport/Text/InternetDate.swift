import GatewayCore
import Foundation

/// Dates as mail and feeds really write them: RFC 5322 / RFC 822 (with or
/// without the weekday, two-digit years, obsolete zone names such as `EST`,
/// `+0800 (CST)` comments, dots or dashes between parts) and RFC 3339 /
/// ISO 8601 (`2024-03-04T09:00:00Z`, fractions, `+08:00`, a space for `T`,
/// a date alone). A missing zone is read as UTC and reported.
public enum InternetDate {
    private static let months = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
                                 "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
    private static let zones = ["ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
                                "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "cet": 60, "cest": 120, "bst": 60,
                                "jst": 540, "kst": 540, "hkt": 480, "sgt": 480]

    /// The instant, or nil when no day, month, year and time can be found.
    /// A date without a zone is read as UTC (and `zoneMissing` is set).
    public static func parse(_ text: String) -> (date: Date, zoneMissing: Bool)? {
        if let iso = parseISO(text) { return iso }
        // Read on bytes: every part of the grammar is ASCII. Comments "(CST)"
        // carry nothing reliable and are skipped.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var depth = 0
        for b in text.utf8 {
            if b == UInt8(ascii: "(") { depth += 1; continue }
            if b == UInt8(ascii: ")") { depth = max(0, depth - 1); continue }
            if depth == 0 { bytes.append(b) }
        }
        let tokens = bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x2C || $0 == 0x0D || $0 == 0x0A })
            .flatMap { token -> [ArraySlice<UInt8>] in
                // "04-Mar-2003" and "2003/03/04" split into parts; times keep their colons.
                token.contains(0x3A) || token.first == 0x2B || token.first == 0x2D
                    ? [token] : token.split(whereSeparator: { $0 == 0x2D || $0 == 0x2F || $0 == 0x2E })
            }
        var day: Int?, month: Int?, year: Int?
        var hour = 0, minute = 0, second = 0
        var offset: Int? = nil
        var numbers: [Int] = []
        for token in tokens {
            guard let first = token.first else { continue }
            let isLetter = (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7A
            if isLetter, token.count >= 3, let m = months[String(decoding: token.prefix(3).map { $0 | 0x20 }, as: UTF8.self)] {
                month = m
            } else if token.contains(0x3A) {
                let parts = token.split(separator: 0x3A)
                guard parts.count >= 2, let h = number(parts[0]), let mi = number(parts[1]) else { continue }
                hour = h; minute = mi
                second = parts.count > 2 ? number(parts[2].prefix(2)) ?? 0 : 0
            } else if first == 0x2B || first == 0x2D, token.count == 5, let v = number(token.dropFirst()) {
                offset = (first == 0x2D ? -1 : 1) * (v / 100 * 60 + v % 100)
            } else if isLetter, let z = zones[String(decoding: token.map { $0 | 0x20 }, as: UTF8.self)] {
                if offset == nil { offset = z }
            } else if let n = number(token) {
                numbers.append(n)
            }
        }
        // Numbers in order: day then year ("4 Mar 2003"), or year first ("2003 03 04").
        if month != nil, numbers.count >= 2 {
            if numbers[0] > 31 { (year, day) = (numbers[0], numbers[1]) } else { (day, year) = (numbers[0], numbers[1]) }
        } else if numbers.count >= 3 {
            if numbers[0] > 31 { (year, month, day) = (numbers[0], numbers[1], numbers[2]) } else { (day, month, year) = (numbers[0], numbers[1], numbers[2]) }
        }
        guard var y = year, let m = month, let d = day, (1...12).contains(m), (1...31).contains(d),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        if y < 50 { y += 2000 } else if y < 100 { y += 1900 }
        let utc = utcSeconds(year: y, month: m, day: d, hour: hour, minute: minute, second: min(second, 59))
        return (Date(timeIntervalSince1970: utc - Double((offset ?? 0) * 60)), offset == nil)
    }

    /// The decimal number the bytes spell (digits only, at most 9), or nil.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for d in digits {
            guard d >= 0x30, d <= 0x39 else { return nil }
            value = value * 10 + Int(d - 0x30)
        }
        return value
    }

    /// `YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|±hh:mm|±hhmm]`, nil for anything else.
    static func parseISO(_ text: String) -> (date: Date, zoneMissing: Bool)? {
        let b = Array(text.utf8.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func take(_ c: UInt8) -> Bool {
            if i < b.count, b[i] == c { i += 1; return true }
            return false
        }
        guard let year = digits(4), take(0x2D), let month = digits(2), take(0x2D), let day = digits(2) else { return nil }
        var hour = 0, minute = 0, second = 0.0
        var offset: Int? = nil
        if i < b.count, b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20 {
            i += 1
            guard let h = digits(2), take(0x3A), let m = digits(2) else { return nil }
            hour = h; minute = m
            if take(0x3A) {
                guard let s = digits(2) else { return nil }
                second = Double(s)
                if take(0x2E) || take(0x2C) {
                    var scale = 0.1
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { second += Double(b[i] - 0x30) * scale; scale /= 10; i += 1 }
                }
            }
            while i < b.count, b[i] == 0x20 { i += 1 }
            if take(0x5A) || take(0x7A) {
                offset = 0
            } else if i < b.count, b[i] == 0x2B || b[i] == 0x2D {
                let sign = b[i] == 0x2D ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = take(0x3A)
                let om = digits(2) ?? 0
                offset = sign * (oh * 60 + om)
            }
        }
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), second < 61 else { return nil }
        let utc = utcSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: Int(second))
        let fraction = second - second.rounded(.down)
        return (Date(timeIntervalSince1970: utc + fraction - Double((offset ?? 0) * 60)), offset == nil)
    }

    /// Seconds since 1970 of a proleptic Gregorian date and time in UTC, by
    /// arithmetic (Howard Hinnant's days-from-civil): a Calendar costs more
    /// than the rest of a feed item's parsing. Like Calendar, a day past the
    /// month's end runs into the next month.
    static func utcSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Double {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second)
    }
}
