/// Masks personal data inside free text (a complaint body, a subject, an
/// email signature kept as an attribute, a quarantine reason): email
/// addresses, phone and account numbers, and the customer's own identifiers
/// wherever they are quoted.
///
/// Detection reads the text folded (`TextFolding`: full-width digits and
/// `＠`, every script's digits, every dash and space), so `１３９１２３４５６７８`
/// and `li＠example.cn` are found like their ASCII spellings; what is not
/// masked is shown exactly as written.
///
/// Heuristic by design, and biased to hide: a long order number is masked like
/// a phone number. Dates (`2026-11-26`, `26/11/2026`), times and short numbers
/// (amounts, counts) stay readable, since they are what a complaint is about.
public struct PersonalTextScrubber: Sendable {
    /// Literal values to hide wherever they appear (the customer's name, handle...).
    let known: [[Character]]

    /// Digit runs with at least this many digits are treated as phone or account numbers.
    static let minimumDigits = 8

    public init(known: [String] = []) {
        // Longest first, so a name inside an email address is not masked half-way.
        let folded = Set(known.map { TextFolding.fold(Array($0)) }.filter { $0.count >= 2 })
        self.known = folded.sorted { $0.count > $1.count }
    }

    public func scrub(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var span = FoldedText(text)
        for value in known { span.replaceAll(value, with: PIIMask.hidden) }
        Self.maskEmails(in: &span)
        Self.maskNumbers(in: &span)
        return span.string
    }

    /// `li.lei@example.cn` → `l***@example.cn`.
    static func maskEmails(in text: inout FoldedText) {
        guard text.folded.contains("@") else { return }
        var i = 0
        while i < text.folded.count {
            guard text.folded[i] == "@" else { i += 1; continue }
            var start = i
            while start > 0, isLocalPart(text.folded[start - 1]) { start -= 1 }
            var end = i + 1
            while end < text.folded.count, isDomain(text.folded[end]) { end += 1 }
            while end > i + 1, text.folded[end - 1] == "." || text.folded[end - 1] == "-" { end -= 1 }
            let domain = text.folded[(i + 1)..<end]
            guard start < i, domain.contains("."), domain.first != "." else { i += 1; continue }
            let replacement = [text.original[start]] + Array(PIIMask.hidden) + Array(text.original[i..<end])
            text.replace(start..<end, with: replacement)
            i = start + replacement.count
        }
    }

    static func isLocalPart(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "._%+-".contains(c))
    }

    static func isDomain(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-")
    }
}

/// A text and its folded reading, kept the same length through replacements.
struct FoldedText {
    var original: [Character]
    var folded: [Character]

    init(_ text: String) {
        original = Array(text)
        folded = TextFolding.fold(original)
    }

    var string: String { String(original) }

    mutating func replace(_ range: Range<Int>, with replacement: [Character]) {
        original.replaceSubrange(range, with: replacement)
        folded.replaceSubrange(range, with: TextFolding.fold(replacement))
    }

    mutating func replaceAll(_ value: [Character], with replacement: String) {
        guard !value.isEmpty, folded.count >= value.count else { return }
        let replacement = Array(replacement)
        var i = 0
        while i + value.count <= folded.count {
            if folded[i] == value[0], folded[i..<(i + value.count)].elementsEqual(value) {
                replace(i..<(i + value.count), with: replacement)
                i += replacement.count
            } else {
                i += 1
            }
        }
    }
}
