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
        // Comments "(CST)" carry nothing reliable.
        var cleaned = ""
        var depth = 0
        for c in text {
            if c == "(" { depth += 1; continue }
            if c == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(c) }
        }
        let tokens = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" || $0 == "\n" })
            .flatMap { token -> [Substring] in
                // "04-Mar-2003" and "2003/03/04" split into parts; times keep their colons.
                token.contains(":") || token.first == "+" || token.first == "-" ? [token] : token.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
            }
        var day: Int?, month: Int?, year: Int?
        var hour = 0, minute = 0, second = 0
        var offset: Int? = nil
        var numbers: [Int] = []
        for token in tokens {
            let lower = token.lowercased()
            if let m = months[String(lower.prefix(3))], lower.first!.isLetter {
                month = m
            } else if token.contains(":") {
                let parts = token.split(separator: ":")
                guard parts.count >= 2, let h = Int(parts[0]), let mi = Int(parts[1]) else { continue }
                hour = h; minute = mi
                second = parts.count > 2 ? Int(parts[2].prefix(2)) ?? 0 : 0
            } else if (token.first == "+" || token.first == "-"), token.count == 5, let v = Int(token.dropFirst()) {
                offset = (token.first == "-" ? -1 : 1) * (v / 100 * 60 + v % 100)
            } else if let z = zones[lower] {
                if offset == nil { offset = z }
            } else if let n = Int(token) {
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
        var components = DateComponents()
        components.year = y; components.month = m; components.day = d
        components.hour = hour; components.minute = minute; components.second = min(second, 59)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let utc = calendar.date(from: components) else { return nil }
        return (utc.addingTimeInterval(-Double((offset ?? 0) * 60)), offset == nil)
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
        var components = DateComponents()
        components.year = year; components.month = month; components.day = day
        components.hour = hour; components.minute = minute; components.second = Int(second)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let utc = calendar.date(from: components) else { return nil }
        let fraction = second - second.rounded(.down)
        return (utc.addingTimeInterval(fraction - Double((offset ?? 0) * 60)), offset == nil)
    }
}
