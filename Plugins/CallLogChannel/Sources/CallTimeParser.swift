import Foundation
import ComplaintModel
import GatewayCore

/// Parses the timestamps call systems write, in a configured time zone.
///
/// Accepted: `2024-03-05 09:07:02`, `2024/3/5 9:07` (Excel), an optional
/// fraction, `T` instead of the space, and an explicit `Z` or `±hh:mm` offset
/// (which wins over the time zone); or a bare Unix time in seconds. Parsed by
/// hand: a CDR file can hold millions of them and a date formatter would
/// dominate the run.
struct CallTimeParser: Sendable {
    let timeZone: TimeZone

    func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
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
        skipSpaces()
        let start = i
        guard let year = number(maxDigits: 10) else { return nil }
        if i - start >= 9 {
            // Unix time.
            skipSpaces()
            return i == b.count ? Date(timeIntervalSince1970: Double(year)) : nil
        }
        guard i - start == 4, i < b.count, b[i] == 0x2D || b[i] == 0x2F else { return nil }
        let sep = b[i]
        i += 1
        guard let month = number(maxDigits: 2), i < b.count, b[i] == sep else { return nil }
        i += 1
        guard let day = number(maxDigits: 2), RFC3339.isValidDate(year, month, day) else { return nil }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, fraction = 0.0
        if i < b.count, b[i] == 0x20 || b[i] == 0x54 {
            i += 1
            skipSpaces()
            guard let h = number(maxDigits: 2), i < b.count, b[i] == 0x3A else { return nil }
            i += 1
            guard let m = number(maxDigits: 2) else { return nil }
            hour = h
            minute = m
            if i < b.count, b[i] == 0x3A {
                i += 1
                guard let s = number(maxDigits: 2) else { return nil }
                second = s
                if i < b.count, b[i] == 0x2E {
                    i += 1
                    var scale = 0.1
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        fraction += Double(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                    }
                }
            }
        }
        guard hour < 24, minute < 60, second < 61 else { return nil }
        var explicitOffset: Int64? = nil
        skipSpaces()
        if i < b.count {
            if b[i] == 0x5A, i + 1 == b.count {
                explicitOffset = 0
                i += 1
            } else if b[i] == 0x2B || b[i] == 0x2D {
                let sign: Int64 = b[i] == 0x2B ? 1 : -1
                i += 1
                guard let oh = number(maxDigits: 2) else { return nil }
                if i < b.count, b[i] == 0x3A { i += 1 }
                let om = number(maxDigits: 2) ?? 0
                explicitOffset = sign * (oh * 3600 + om * 60)
            }
        }
        skipSpaces()
        guard i == b.count else { return nil }
        let local = RFC3339.daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
        let offset: Int64
        if let explicitOffset {
            offset = explicitOffset
        } else {
            // Local wall time to UTC: take the offset at the naive instant, then
            // re-check it at the corrected one (differs only around DST changes).
            let guess = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local))))
            offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - guess))))
        }
        return Date(timeIntervalSince1970: Double(local - offset) + fraction)
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
