import Foundation
import ComplaintModel
import GatewayCore

/// Parses the timestamps call systems write, in a configured time zone.
///
/// Built in: `2024-03-05 09:07:02`, `2024/3/5 9:07` (Excel), `2024年3月5日 9:07`
/// (also `9时07分`), an optional fraction, `T` instead of the space, and an
/// explicit `Z` or `±hh:mm` offset (which wins over the time zone); a bare
/// Unix time in seconds (9 digits or more); an Excel serial day number
/// (`46357.3958`, five digits, days since 1899-12-30, wall time). A channel's
/// `time_format` patterns are tried first. Parsed by hand: a CDR file can hold
/// millions of them and a date formatter would dominate the run.
struct CallTimeParser: Sendable {
    let timeZone: TimeZone
    var patterns: [CallTimePattern] = []

    /// What a time column's text says.
    enum Reading: Equatable {
        case date(Date)
        /// Readable, but no such moment: "there is no 31 November".
        case impossible(String)
        case unrecognized
    }

    func parse(_ text: String) -> Date? {
        if case .date(let date) = read(text) { return date }
        return nil
    }

    func read(_ text: String) -> Reading {
        var b = Array(text.utf8)
        while b.last == 0x20 { b.removeLast() }
        if let first = b.firstIndex(where: { $0 != 0x20 }), first > 0 { b.removeFirst(first) }
        for pattern in patterns {
            if let fields = pattern.match(b) { return date(fields) }
        }
        if let seconds = Self.excelSerial(b) { return .date(wallTime(seconds - 25569 * 86400)) }
        guard let fields = Self.builtin(b) else { return .unrecognized }
        return date(fields)
    }

    /// The reason shown when a start time cannot be read.
    func expectation() -> String {
        var accepted = "YYYY-MM-DD hh:mm[:ss], YYYY/M/D h:mm, YYYY年M月D日 h:mm, ISO 8601 with an offset, an Excel serial day, Unix seconds"
        if !patterns.isEmpty { accepted = "time_format " + patterns.map { "\"\($0.text)\"" }.joined(separator: ", ") + "; or " + accepted }
        return "expected " + accepted + " (add the export's format to time_format)"
    }

    private func date(_ fields: CallTimeFields) -> Reading {
        if let unix = fields.unixSeconds { return .date(Date(timeIntervalSince1970: Double(unix))) }
        if let reason = fields.impossibility { return .impossible(reason) }
        let local = RFC3339.daysFromCivil(fields.year, fields.month, fields.day) * 86400 + fields.hour * 3600 + fields.minute * 60 + fields.second
        if let offset = fields.offset { return .date(Date(timeIntervalSince1970: Double(local - offset) + fields.fraction)) }
        return .date(wallTime(Double(local) + fields.fraction))
    }

    /// Local wall time (seconds since 1970 as if the zone were UTC) to an instant:
    /// take the offset at the naive instant, then re-check it at the corrected
    /// one (differs only around DST changes).
    private func wallTime(_ local: Double) -> Date {
        let guess = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
        let offset = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local - guess)))
        return Date(timeIntervalSince1970: local - offset)
    }

    /// Five digits with an optional fraction: an Excel serial day (10000 is
    /// 1927, 99999 is 2173), the number a spreadsheet shows for a date cell
    /// formatted as General. 25569 is 1970-01-01. In seconds since 1899-12-30.
    static func excelSerial(_ b: [UInt8]) -> Double? {
        var i = 0
        while i < b.count, (48...57).contains(b[i]) { i += 1 }
        guard i == 5 else { return nil }
        var value = Double(String(decoding: b[0..<5], as: UTF8.self))!
        if i < b.count {
            guard b[i] == 0x2E, i + 1 < b.count else { return nil }
            var scale = 0.1
            i += 1
            while i < b.count, (48...57).contains(b[i]) { value += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            guard i == b.count else { return nil }
        }
        // Rounded to the second, as Excel shows it: 9:30 is stored as
        // 0.395833333…, and an export keeps only some of those digits.
        return (value * 86_400).rounded()
    }

    private static let year = Array("年".utf8), month = Array("月".utf8), day = Array("日".utf8)
    private static let hourMark = Array("时".utf8), hourMark2 = Array("時".utf8), minuteMark = Array("分".utf8), secondMark = Array("秒".utf8)

    /// The built-in forms' fields (not yet checked for possibility); nil when
    /// the text is none of them.
    static func builtin(_ b: [UInt8]) -> CallTimeFields? {
        var i = 0
        func skipSpaces() { while i < b.count, b[i] == 0x20 { i += 1 } }
        func number(maxDigits: Int) -> Int64? {
            var v: Int64 = 0
            var n = 0
            while i < b.count, n < maxDigits, b[i] >= 48, b[i] <= 57 {
                v = v * 10 + Int64(b[i] - 48)
                i += 1
                n += 1
            }
            return n == 0 ? nil : v
        }
        func take(_ mark: [UInt8]) -> Bool {
            guard i + mark.count <= b.count, b[i..<i + mark.count].elementsEqual(mark) else { return false }
            i += mark.count
            return true
        }
        var f = CallTimeFields()
        let start = i
        guard let year = number(maxDigits: 10) else { return nil }
        if i - start >= 9 {
            // Unix time.
            skipSpaces()
            guard i == b.count else { return nil }
            f.unixSeconds = year
            return f
        }
        guard i - start == 4, i < b.count else { return nil }
        f.year = year
        let chinese: Bool
        if b[i] == 0x2D || b[i] == 0x2F {
            let sep = b[i]
            i += 1
            guard let month = number(maxDigits: 2), i < b.count, b[i] == sep else { return nil }
            i += 1
            guard let day = number(maxDigits: 2) else { return nil }
            (f.month, f.day) = (month, day)
            chinese = false
        } else if take(Self.year) || { let before = i; skipSpaces(); if take(Self.year) { return true }; i = before; return false }() {
            skipSpaces()
            guard let month = number(maxDigits: 2) else { return nil }
            skipSpaces()
            guard take(Self.month) else { return nil }
            skipSpaces()
            guard let day = number(maxDigits: 2) else { return nil }
            skipSpaces()
            guard take(Self.day) else { return nil }
            (f.month, f.day) = (month, day)
            chinese = true
        } else {
            return nil
        }
        if i < b.count, b[i] == 0x20 || b[i] == 0x54 || chinese {
            if b[i] == 0x54 { i += 1 }
            skipSpaces()
            if i < b.count {
                guard let h = number(maxDigits: 2), i < b.count else { return nil }
                f.hour = h
                if chinese, take(Self.hourMark) || take(Self.hourMark2) {
                    // 9时30分[15秒]
                    if let m = number(maxDigits: 2) {
                        guard take(Self.minuteMark) else { return nil }
                        f.minute = m
                        if let s = number(maxDigits: 2) {
                            guard take(Self.secondMark) else { return nil }
                            f.second = s
                        }
                    }
                } else {
                    guard b[i] == 0x3A else { return nil }
                    i += 1
                    guard let m = number(maxDigits: 2) else { return nil }
                    f.minute = m
                    if i < b.count, b[i] == 0x3A {
                        i += 1
                        guard let s = number(maxDigits: 2) else { return nil }
                        f.second = s
                        if i < b.count, b[i] == 0x2E {
                            i += 1
                            var scale = 0.1
                            while i < b.count, b[i] >= 48, b[i] <= 57 {
                                f.fraction += Double(b[i] - 48) * scale
                                scale /= 10
                                i += 1
                            }
                        }
                    }
                }
            }
        }
        skipSpaces()
        if i < b.count, b[i] == 0x5A || b[i] == 0x2B || b[i] == 0x2D {
            guard let (offset, length) = CallTimeFields.offset(b, at: i) else { return nil }
            f.offset = offset
            i += length
        }
        skipSpaces()
        guard i == b.count else { return nil }
        return f
    }

    /// The longest duration taken as one (about 31 years): anything longer is
    /// not a call, and a hostile export's `1e300` or `inf` must not trap.
    static let maximumSeconds = 1_000_000_000

    /// Seconds from `12`, `12.5`, `1:05`, `01:02:03`; nil otherwise (or above `maximumSeconds`).
    static func seconds(_ text: String) -> Int? {
        let parts = TextCleaner.trim(text).split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0
        for part in parts {
            guard let v = Int(part), v >= 0 else {
                if parts.count == 1, let d = Double(part), d >= 0, d <= Double(maximumSeconds) { return Int(d.rounded()) }
                return nil
            }
            guard v <= maximumSeconds, total <= maximumSeconds / 60 else { return nil }
            total = total * 60 + v
        }
        return total <= maximumSeconds ? total : nil
    }
}
