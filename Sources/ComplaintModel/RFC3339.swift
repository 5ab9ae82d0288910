import Foundation

/// RFC 3339 timestamps in UTC, as every date in the schema is written:
/// `2026-11-22T08:15:00Z`, with milliseconds only when the instant has them.
public enum RFC3339 {
    /// Formats `date` in UTC.
    public static func string(from date: Date) -> String {
        // Hand-rolled from the civil date: it runs once or twice per complaint on the
        // hot path, and is several times faster than a formatter with no shared state.
        let t = date.timeIntervalSince1970
        var seconds = Int64(t.rounded(.down))
        var millis = Int64(((t - Double(seconds)) * 1000).rounded())
        if millis == 1000 { seconds += 1; millis = 0 }
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secOfDay = seconds - days * 86400
        let (y, m, d) = civilFromDays(days)
        var b: [UInt8] = []
        b.reserveCapacity(24)
        func digits(_ v: Int64, _ width: Int) {
            var buf: [UInt8] = Array(repeating: 48, count: width)
            var x = v
            var i = width - 1
            while i >= 0 {
                buf[i] = UInt8(48 + x % 10)
                x /= 10
                i -= 1
            }
            b.append(contentsOf: buf)
        }
        if y < 0 || y > 9999 { return String(y) + "-invalid" }
        digits(y, 4); b.append(45); digits(m, 2); b.append(45); digits(d, 2)
        b.append(84)
        digits(secOfDay / 3600, 2); b.append(58); digits(secOfDay % 3600 / 60, 2); b.append(58); digits(secOfDay % 60, 2)
        if millis != 0 { b.append(46); digits(millis, 3) }
        b.append(90)
        return String(decoding: b, as: UTF8.self)
    }

    /// Parses an RFC 3339 timestamp with any offset (`Z`, `+08:00`) and optional fraction.
    public static func date(from string: String) -> Date? {
        let b = Array(string.utf8)
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + len) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116 || b[10] == 32, b[13] == 58, b[16] == 58,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
              isValidDate(y, mo, d), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == 90 || b[i] == 122 {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 43 || b[i] == 45 {
            guard i + 6 == b.count, b[i + 3] == 58, let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
        } else {
            return nil
        }
        let days = daysFromCivil(y, mo, d)
        let epoch = days * 86400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: Double(epoch) + fraction)
    }

    static func decode<K: CodingKey>(_ string: String, key: K, container: KeyedDecodingContainer<K>) throws -> Date {
        guard let d = date(from: string) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 timestamp: \(string)")
        }
        return d
    }

    /// Whether year-month-day names a real calendar day (no 31 November, 29 February only in leap years).
    public static func isValidDate(_ year: Int64, _ month: Int64, _ day: Int64) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[Int(month - 1)]
    }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
    /// Days since 1970-01-01 of a civil date.
    public static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
