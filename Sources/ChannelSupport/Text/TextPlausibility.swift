import GatewayCore
/// How unlike real text a decoding reads, in penalty points (0 = clean text).
///
/// Used to choose between readings of the same bytes when more than one
/// decodes without an error: a GB2312 label on bytes that also form valid
/// UTF-8, raw 8-bit header bytes with no label at all (GB18030, Big5 or
/// Latin-1?). "Valid UTF-8 wins" picks wrongly on short words, because a few
/// GB2312 characters are often valid UTF-8 by accident (and then read as
/// Armenian, Hebrew or IPA letters); a wrong reading of real text shows as
///   - replacement characters, control characters, private-use or unassigned
///     code points;
///   - letters of different scripts inside one word (mojibake mixes Latin-1
///     letters with Greek, Cyrillic or Han; real text mixes at most ASCII
///     Latin with Han or kana);
///   - Chinese characters outside the common set of the charset read in
///     (GB2312's 6,763, Big5's 5,401 frequent ones: `CommonHan`), which
///     cover almost all real text but only a small share of what misread
///     bytes produce;
///   - symbols, stray combining marks and case changes inside a word (`ÄãºÃ`
///     is GBK read as Latin-1), a lone Chinese character inside a Latin word
///     (`Reclama玢o` is Latin-1 read as GBK).
public enum TextPlausibility {
    /// - Parameter han: the Chinese characters counted as common: those of the
    ///   charset the text was read in.
    public static func penalty(_ text: String, han: CommonHan = .either) -> Int {
        var points = 0
        var previous: Script = .separator
        var previousUpper = false
        // A lone Chinese character inside a Latin word ("Reclama玢o") is Latin-1
        // read as GBK; real text mixes them at word edges ("ADSL宽带").
        var hanRun = 0
        var hanRunAfterLatin = false
        for scalar in text.unicodeScalars {
            let script = Script(scalar)
            switch script {
            case .invalid: points += 8
            case .han where !han.contains(scalar): points += 2
            case .symbol where previous != .separator: points += 2
            case .mark where !previous.isLetter: points += 4
            default: break
            }
            if script.isLetter, previous.isLetter, !script.mixesWith(previous) { points += 3 }
            if script.isLetter, previous == .symbol { points += 2 }
            // A capital after a small letter in one word, where non-ASCII is involved.
            let upper = scalar.properties.isUppercase
            if upper, !previousUpper, previous == .latin1, script == .latin1 || script == .latin { points += 2 }
            if upper, !previousUpper, previous == .latin, script == .latin1 { points += 2 }
            if script == .han {
                if previous != .han { hanRun = 0; hanRunAfterLatin = previous == .latin || previous == .latin1 }
                hanRun += 1
            } else if previous == .han, hanRun == 1, hanRunAfterLatin, script == .latin || script == .latin1 {
                points += 3
            }
            previousUpper = upper
            if script != .mark { previous = script }
        }
        return points
    }

    /// The scripts that tell readings apart, coarsely.
    enum Script: Equatable {
        case separator      // white space, ASCII punctuation and digits
        case latin          // ASCII letters
        case latin1         // other Latin letters (é, ß, ã)
        case greek, cyrillic, han, kana, hangul
        case otherLetter    // Armenian, Hebrew, Arabic, IPA, …: what misread bytes produce
        case mark           // combining marks, which belong after a letter
        case symbol         // non-ASCII symbols and punctuation (¤, ¦, º)
        case invalid        // U+FFFD, controls, private use, unassigned
        case other          // CJK punctuation, full-width forms, emoji: neutral

        init(_ s: Unicode.Scalar) {
            let v = s.value
            switch v {
            case 0x09, 0x0A, 0x0D, 0x20: self = .separator
            case 0x00..<0x20, 0x7F..<0xA0, 0xFFFD, 0xE000...0xF8FF: self = .invalid
            case 0x41...0x5A, 0x61...0x7A: self = .latin
            case 0x21..<0x7F: self = .separator
            case 0xA0..<0xC0, 0xD7, 0xF7: self = .symbol
            case 0xC0..<0x250: self = .latin1
            case 0x250..<0x300: self = .otherLetter
            case 0x300..<0x370: self = .mark
            case 0x370..<0x400: self = .greek
            case 0x400..<0x530: self = .cyrillic
            case 0x3000..<0x3040, 0xFF00..<0xFFF0: self = .other
            case 0x3040..<0x3100: self = .kana
            case 0x3400..<0xA000, 0xF900..<0xFB00, 0x20000..<0x32000: self = .han
            case 0xAC00..<0xD7B0, 0x1100..<0x1200: self = .hangul
            case 0x1E00..<0x1F00: self = .latin1
            default:
                switch s.properties.generalCategory {
                case .unassigned, .privateUse, .surrogate, .control: self = .invalid
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter: self = .otherLetter
                case .nonspacingMark, .spacingMark, .enclosingMark: self = .mark
                case .spaceSeparator: self = .separator
                default: self = .other
                }
            }
        }

        var isLetter: Bool {
            switch self {
            case .latin, .latin1, .greek, .cyrillic, .han, .kana, .hangul, .otherLetter: true
            default: false
            }
        }

        /// Whether real text puts these two side by side in one word.
        func mixesWith(_ other: Script) -> Bool {
            if self == other { return true }
            switch (self, other) {
            case (.latin, .latin1), (.latin1, .latin): return true       // "Não", "Grüße"
            case (.latin, .han), (.han, .latin): return true             // "ADSL宽带"
            case (.han, .kana), (.kana, .han), (.latin, .kana), (.kana, .latin): return true
            case (.han, .hangul), (.hangul, .han): return true
            default: return false
            }
        }
    }
}
