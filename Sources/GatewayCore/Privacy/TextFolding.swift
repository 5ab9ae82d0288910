/// One character as personal-data detection reads it: NFKC (full-width
/// `１３９` and `＠` are `139` and `@`), every decimal digit of any script as
/// its ASCII digit, dashes and minus signs as `-`, every space as ` `.
///
/// Character by character, so the folded text lines up with the original
/// and what is not masked is shown exactly as it was written.
enum TextFolding {
    static func fold(_ c: Character) -> Character {
        if c.isASCII { return c }
        if let digit = c.wholeNumberValue, c.unicodeScalars.count == 1,
           c.unicodeScalars.first!.properties.numericType == .decimal, (0...9).contains(digit) {
            return Character(String(digit))
        }
        var folded = c
        let nfkc = String(c).precomposedStringWithCompatibilityMapping
        if nfkc.count == 1, let single = nfkc.first { folded = single }
        if dashes.contains(folded) { return "-" }
        if folded.isWhitespace && !folded.isNewline { return " " }
        return folded
    }

    static func fold(_ text: [Character]) -> [Character] { text.map(fold) }

    /// Hyphens, dashes and minus signs people type between digit groups.
    static let dashes: Set<Character> = ["\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}", "\u{FE58}", "\u{FE63}", "\u{30FC}"]
}
