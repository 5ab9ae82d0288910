/// Masks personal data inside free text (a complaint body, a subject, an
/// email signature kept as an attribute): email addresses, phone-like digit
/// runs, and the customer's own identifiers wherever they are quoted.
///
/// Heuristic by design, and biased to hide: a long order number is masked like
/// a phone number. Dates (`2026-11-26`, `26/11/2026`) and short numbers
/// (amounts, counts, times) stay readable, since they are what a complaint is about.
public struct PersonalTextScrubber: Sendable {
    /// Literal values to hide wherever they appear (the customer's name, handle...).
    let known: [String]

    /// Digit runs with at least this many digits are treated as phone or account numbers.
    static let minimumDigits = 8

    public init(known: [String] = []) {
        // Longest first, so a name inside an email address is not masked half-way.
        self.known = Set(known.filter { $0.count >= 2 }).sorted { $0.count > $1.count }
    }

    public func scrub(_ text: String) -> String {
        var out = text
        for value in known where out.contains(value) {
            out = out.replacingOccurrences(of: value, with: PIIMask.hidden)
        }
        return Self.maskNumbers(in: Self.maskEmails(in: out))
    }

    /// `li.lei@example.cn` → `l***@example.cn`.
    static func maskEmails(in text: String) -> String {
        guard text.contains("@") else { return text }
        let chars = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var i = 0
        while i < chars.count {
            guard chars[i] == "@" else { out.append(chars[i]); i += 1; continue }
            // The local part already copied to `out`: walk back over it.
            var localLength = 0
            for c in out.reversed() {
                guard isLocalPart(c) else { break }
                localLength += 1
            }
            var end = i + 1
            while end < chars.count, isDomain(chars[end]) { end += 1 }
            while end > i + 1, chars[end - 1] == "." || chars[end - 1] == "-" { end -= 1 }
            let domain = String(chars[(i + 1)..<end])
            guard localLength > 0, domain.contains("."), !domain.hasPrefix(".") else { out.append(chars[i]); i += 1; continue }
            let first = out.suffix(localLength).first!
            out.removeLast(localLength)
            out.append(first)
            out += PIIMask.hidden + "@" + domain
            i = end
        }
        return out
    }

    /// Runs of digits joined by spaces, dashes, dots or brackets (`138 0013 8000`,
    /// `+86 (10) 1234-5678`) with at least `minimumDigits` digits keep only their
    /// last two digits; dates keep all of theirs.
    static func maskNumbers(in text: String) -> String {
        guard text.contains(where: \.isASCIIDigit) else { return text }
        let chars = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var i = 0
        while i < chars.count {
            guard chars[i].isASCIIDigit || (chars[i] == "+" && i + 1 < chars.count && chars[i + 1].isASCIIDigit)
                    || (chars[i] == "(" && i + 1 < chars.count && chars[i + 1].isASCIIDigit) else {
                out.append(chars[i]); i += 1; continue
            }
            // The run: digit groups joined by up to two separators (`+86 (10) 1234`).
            var end = i + 1
            while end < chars.count {
                if chars[end].isASCIIDigit { end += 1; continue }
                var next = end
                while next < chars.count, next - end < 2, " -.()".contains(chars[next]) { next += 1 }
                if next > end, next < chars.count, chars[next].isASCIIDigit { end = next; continue }
                if chars[end] == ")" { end += 1 }
                break
            }
            let run = chars[i..<end]
            let digitCount = run.filter(\.isASCIIDigit).count
            if digitCount >= minimumDigits, !isDate(run) {
                var seen = 0
                for c in run {
                    if c.isASCIIDigit {
                        seen += 1
                        out.append(seen > digitCount - 2 ? c : "*")
                    } else {
                        out.append(c)
                    }
                }
            } else {
                out += String(run)
            }
            i = end
        }
        return out
    }

    /// A run that starts as a date (`2026-11-26`, `2026.11.26`, `26/11/2026`,
    /// possibly followed by the hour of a time): groups of 4-2-2 or 2-2-4 digits
    /// joined by one `-`, `.` or `/`.
    static func isDate(_ run: ArraySlice<Character>) -> Bool {
        let groups = run.split { !$0.isASCIIDigit }
        guard groups.count >= 3 else { return false }
        let shape = groups.prefix(3).map(\.count)
        guard [[4, 2, 2], [2, 2, 4], [4, 1, 2], [4, 2, 1], [4, 1, 1], [1, 1, 4], [2, 1, 4], [1, 2, 4]].contains(shape) else { return false }
        let first = run[groups[0].endIndex..<groups[1].startIndex], second = run[groups[1].endIndex..<groups[2].startIndex]
        return first.count == 1 && first == second && "-./".contains(first.first!)
    }

    static func isLocalPart(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "._%+-".contains(c))
    }

    static func isDomain(_ c: Character) -> Bool {
        (c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-"))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
