import Foundation
import ComplaintModel

/// One `time_format` pattern, strftime-style as in Logstash's `date` filter and
/// Vector's `parse_timestamp`: `%Y年%m月%d日 %H:%M`, `%d/%m/%Y %I:%M %p`.
///
/// Directives: `%Y` (four digits), `%y` (two, 2000–2099), `%m` `%d` `%e` `%H`
/// `%I` `%M` `%S` (one or two digits), `%f` (a fraction's digits), `%p`
/// (AM/PM, 上午/下午), `%b` (Jan…Dec), `%z` (`Z`, `+08:00`, `+0800`), `%s`
/// (Unix seconds), `%%`. A space matches one or more spaces; anything else
/// matches itself. Parsed by hand, like `CallTimeParser`, because a CDR file
/// holds millions of times.
struct CallTimePattern: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case literal([UInt8])
        case spaces
        case field(Character)
    }

    static let directives: Set<Character> = ["Y", "y", "m", "d", "e", "H", "I", "M", "S", "f", "p", "b", "z", "s"]

    let text: String
    let pieces: [Piece]

    /// The pattern, or why it is not one.
    static func compile(_ text: String) -> Result<CallTimePattern, PatternError> {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var seen = Set<Character>()
        var characters = text.makeIterator()
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
        }
        while let c = characters.next() {
            if c == " " {
                flush()
                if pieces.last != .spaces { pieces.append(.spaces) }
            } else if c == "%" {
                guard let d = characters.next() else { return .failure(PatternError(text: "\"\(text)\" ends with a lone %")) }
                if d == "%" { literal.append(UInt8(ascii: "%")); continue }
                guard directives.contains(d) else {
                    return .failure(PatternError(text: "\"\(text)\": unknown directive %\(d); known: " + directives.sorted().map { "%\($0)" }.joined(separator: " ")))
                }
                flush()
                pieces.append(.field(d))
                seen.insert(d)
            } else {
                literal += Array(String(c).utf8)
            }
        }
        flush()
        let hasDate = (seen.contains("d") || seen.contains("e")) && (seen.contains("m") || seen.contains("b")) && (seen.contains("Y") || seen.contains("y"))
        guard seen.contains("s") || hasDate else {
            return .failure(PatternError(text: "\"\(text)\" needs a year (%Y or %y), a month (%m or %b) and a day (%d), or %s"))
        }
        return .success(CallTimePattern(text: text, pieces: pieces))
    }

    struct PatternError: Error, Equatable { var text: String }

    /// The wall-clock fields read from `text`; nil when it does not match.
    func match(_ b: [UInt8]) -> CallTimeFields? {
        var fields = CallTimeFields()
        var pm: Bool? = nil
        var i = 0
        func digits(_ minimum: Int, _ maximum: Int) -> Int64? {
            var v: Int64 = 0, n = 0
            while i < b.count, n < maximum, b[i] >= 48, b[i] <= 57 {
                v = v * 10 + Int64(b[i] - 48)
                i += 1
                n += 1
            }
            return n >= minimum ? v : nil
        }
        for piece in pieces {
            switch piece {
            case .literal(let bytes):
                guard i + bytes.count <= b.count, Array(b[i..<i + bytes.count]) == bytes else { return nil }
                i += bytes.count
            case .spaces:
                guard i < b.count, b[i] == 0x20 else { return nil }
                while i < b.count, b[i] == 0x20 { i += 1 }
            case .field(let d):
                switch d {
                case "Y": guard let v = digits(4, 4) else { return nil }; fields.year = v
                case "y": guard let v = digits(2, 2) else { return nil }; fields.year = 2000 + v
                case "m": guard let v = digits(1, 2) else { return nil }; fields.month = v
                case "d", "e": guard let v = digits(1, 2) else { return nil }; fields.day = v
                case "H", "I": guard let v = digits(1, 2) else { return nil }; fields.hour = v
                case "M": guard let v = digits(1, 2) else { return nil }; fields.minute = v
                case "S": guard let v = digits(1, 2) else { return nil }; fields.second = v
                case "f":
                    var scale = 0.1, any = false
                    while i < b.count, b[i] >= 48, b[i] <= 57 { fields.fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1; any = true }
                    guard any else { return nil }
                case "p":
                    guard let (isPM, length) = Self.meridiem(b, at: i) else { return nil }
                    pm = isPM
                    i += length
                case "b":
                    guard i + 3 <= b.count, let month = Self.months.firstIndex(of: String(decoding: b[i..<i + 3], as: UTF8.self).lowercased()) else { return nil }
                    fields.month = Int64(month + 1)
                    i += 3
                case "z":
                    guard let (offset, length) = CallTimeFields.offset(b, at: i) else { return nil }
                    fields.offset = offset
                    i += length
                default: // "s"
                    guard let v = digits(1, 12) else { return nil }
                    fields.unixSeconds = v
                }
            }
        }
        guard i == b.count else { return nil }
        if let pm {
            guard (1...12).contains(fields.hour) else { fields.hour = 99; return fields }
            fields.hour = fields.hour % 12 + (pm ? 12 : 0)
        }
        return fields
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// AM/PM in either case, or 上午/下午.
    static func meridiem(_ b: [UInt8], at i: Int) -> (Bool, Int)? {
        for (word, isPM) in [("am", false), ("pm", true), ("a.m.", false), ("p.m.", true), ("上午", false), ("下午", true)] {
            let bytes = Array(word.utf8)
            if i + bytes.count <= b.count, String(decoding: b[i..<i + bytes.count], as: UTF8.self).lowercased() == word { return (isPM, bytes.count) }
        }
        return nil
    }
}

/// Wall-clock fields of a call time, before the time zone is applied.
struct CallTimeFields: Sendable {
    var year: Int64 = 0, month: Int64 = 0, day: Int64 = 0
    var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
    var fraction = 0.0
    /// Seconds east of UTC written in the value, which wins over the time zone.
    var offset: Int64? = nil
    var unixSeconds: Int64? = nil

    /// `Z`, `+08:00`, `+0800`, `+08` at `i`: the offset and its length.
    static func offset(_ b: [UInt8], at start: Int) -> (Int64, Int)? {
        var i = start
        guard i < b.count else { return nil }
        if b[i] == 0x5A { return (0, 1) }
        guard b[i] == 0x2B || b[i] == 0x2D else { return nil }
        let sign: Int64 = b[i] == 0x2B ? 1 : -1
        i += 1
        func two() -> Int64? {
            guard i + 2 <= b.count, (48...57).contains(b[i]), (48...57).contains(b[i + 1]) else { return nil }
            defer { i += 2 }
            return Int64(b[i] - 48) * 10 + Int64(b[i + 1] - 48)
        }
        guard let hours = two(), hours <= 14 else { return nil }
        if i < b.count, b[i] == 0x3A { i += 1 }
        let minutes = two() ?? 0
        guard minutes < 60 else { return nil }
        return (sign * (hours * 3600 + minutes * 60), i - start)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    /// What is impossible about these fields ("there is no 31 November"), or nil.
    var impossibility: String? {
        if unixSeconds != nil { return nil }
        guard (1...12).contains(month) else { return "there is no month \(month)" }
        guard RFC3339.isValidDate(year, month, day) else {
            let name = Self.monthNames[Int(month) - 1]
            if day == 29, month == 2 { return "there is no 29 February in \(year) (not a leap year)" }
            return day == 0 ? "there is no day 0" : "there is no \(day) \(name)"
        }
        guard hour < 24 else { return hour == 99 ? "with AM/PM the hour is 1 to 12" : "there is no hour \(hour)" }
        guard minute < 60 else { return "there is no minute \(minute)" }
        guard second < 61 else { return "there is no second \(second)" }
        return nil
    }
}
