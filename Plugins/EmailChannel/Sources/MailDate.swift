import Foundation

/// RFC 5322 dates as mail really writes them: with or without the weekday,
/// two-digit years, obsolete zone names (`EST`, `GMT`, `UT`), `+0800 (CST)`
/// comments, a missing zone, dots or dashes between parts.
public enum MailDate {
    private static let months = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
                                 "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
    private static let zones = ["ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
                                "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "cet": 60, "cest": 120, "bst": 60,
                                "jst": 540, "kst": 540, "hkt": 480, "sgt": 480]

    /// The instant, or nil when no day, month, year and time can be found.
    /// A date without a zone is read as UTC (and `zoneMissing` is set).
    public static func parse(_ text: String) -> (date: Date, zoneMissing: Bool)? {
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
}
