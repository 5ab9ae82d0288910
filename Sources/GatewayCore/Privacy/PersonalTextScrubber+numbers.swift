extension PersonalTextScrubber {
    /// Runs of digit groups joined by spaces and up to two marks (`138 0013 8000`,
    /// `+86 (10) 1234-5678`, `139 - 1234 - 5678`, `139.1234.5678`) keep only
    /// their last two digits when they have at least `minimumDigits` digits or
    /// dial as written (`PhoneNumberRules`). A date inside a run
    /// (`2026-11-26 13912345678`) stays and splits it; so does the minutes
    /// group of a time (`9:30 13912345678`).
    static func maskNumbers(in text: inout FoldedText) {
        let f = text.folded
        guard f.contains(where: \.isASCIIDigit) else { return }
        var hide = [Bool](repeating: false, count: f.count)
        var i = 0
        while i < f.count {
            guard startsRun(f, at: i) else { i += 1; continue }
            let run = digitGroups(f, from: i)
            var pending: [Range<Int>] = []
            var g = 0
            func flush() {
                defer { pending = [] }
                guard let first = pending.first else { return }
                let digits = pending.flatMap { f[$0] }
                let international = (first.lowerBound > 0 && f[first.lowerBound - 1] == "+") || digits.starts(with: ["0", "0"])
                guard digits.count >= minimumDigits
                        || PhoneNumberRules.dials(digits: digits, groups: pending.map(\.count), international: international) else { return }
                var left = digits.count
                for group in pending {
                    for k in group {
                        if left > 2 { hide[k] = true }
                        left -= 1
                    }
                }
            }
            while g < run.groups.count {
                let group = run.groups[g]
                if g == 0, group.count <= 2, group.lowerBound > 1, f[group.lowerBound - 1] == ":", f[group.lowerBound - 2].isASCIIDigit {
                    g += 1  // the minutes of a time
                } else if isDate(f, run.groups, at: g) {
                    flush()
                    g += 3
                } else {
                    pending.append(group)
                    g += 1
                }
            }
            flush()
            i = run.end
        }
        for (k, hidden) in hide.enumerated() where hidden { text.original[k] = "*" }
    }

    static func startsRun(_ f: [Character], at i: Int) -> Bool {
        if f[i].isASCIIDigit { return i == 0 || !f[i - 1].isASCIIDigit }
        return (f[i] == "+" || f[i] == "(") && i + 1 < f.count && f[i + 1].isASCIIDigit
    }

    /// The digit groups of the run starting at `start` and the index after it.
    static func digitGroups(_ f: [Character], from start: Int) -> (groups: [Range<Int>], end: Int) {
        var groups: [Range<Int>] = []
        var i = start
        while i < f.count, !f[i].isASCIIDigit { i += 1 }  // a leading + or (
        while i < f.count {
            let begin = i
            while i < f.count, f[i].isASCIIDigit { i += 1 }
            groups.append(begin..<i)
            // Between groups: spaces around at most two of - . / ( ).
            var next = i, marks = 0
            while next < f.count, next - i < 6, f[next] == " " || (marks < 2 && "-./()".contains(f[next])) {
                if f[next] != " " { marks += 1 }
                next += 1
            }
            guard next > i, next < f.count, f[next].isASCIIDigit else {
                if i < f.count, f[i] == ")" { i += 1 }
                break
            }
            i = next
        }
        return (groups, i)
    }

    /// Groups `g`, `g+1`, `g+2` are a date: 4-2-2 (or 2-2-4) digits, a year
    /// from 1900 to 2099, a month and a day, joined twice by the same one
    /// `-`, `.` or `/`.
    static func isDate(_ f: [Character], _ groups: [Range<Int>], at g: Int) -> Bool {
        guard g + 2 < groups.count else { return false }
        let a = groups[g], b = groups[g + 1], c = groups[g + 2]
        let first = f[a.upperBound..<b.lowerBound], second = f[b.upperBound..<c.lowerBound]
        guard first.count == 1, first.elementsEqual(second), "-./".contains(first.first!) else { return false }
        func number(_ r: Range<Int>) -> Int { Int(String(f[r]))! }
        func isYear(_ r: Range<Int>) -> Bool { r.count == 4 && (1900...2099).contains(number(r)) }
        func isMonth(_ r: Range<Int>) -> Bool { r.count <= 2 && (1...12).contains(number(r)) }
        func isDay(_ r: Range<Int>) -> Bool { r.count <= 2 && (1...31).contains(number(r)) }
        if isYear(a) { return isMonth(b) && isDay(c) }
        if isYear(c) { return (isDay(a) && isMonth(b)) || (isMonth(a) && isDay(b)) }
        return false
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
