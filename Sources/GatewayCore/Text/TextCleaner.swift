import Foundation

/// Text clean-up every channel's text goes through: Unicode NFC, `\r\n` and
/// `\r` to `\n`, no NULs or stray control characters, trimmed ends.
public enum TextCleaner {
    /// The cleaned form of `text`.
    public static func clean(_ text: String) -> String {
        var needsWork = false
        for u in text.utf8 where u >= 0x80 || u == 0x0D || (u < 0x20 && u != 0x0A && u != 0x09) || u == 0x7F {
            needsWork = true
            break
        }
        guard needsWork else { return trim(text) }
        // NFC only matters for non-ASCII text, which is why ASCII skips all of this;
        // text made only of characters that NFC never changes skips composition too.
        let composed = isStableUnderNFC(text) ? text : text.precomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in composed.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "\r": out.append("\n")
            case "\n": if !previousCR { out.append(scalar) }
            case "\t": out.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.append(scalar)
            }
        }
        return trim(String(out))
    }

    /// `text` made safe to pass on without changing what it says: Unicode NFC,
    /// no NULs, escapes or other control characters, but white space and line
    /// breaks (CR, LF, CRLF) kept as written. For attribute values: a
    /// fixed-width account number or a note's indentation is data.
    public static func sanitize(_ text: String) -> String {
        var needsWork = false
        for u in text.utf8 where u >= 0x80 || (u < 0x20 && u != 0x0A && u != 0x09 && u != 0x0D) || u == 0x7F {
            needsWork = true
            break
        }
        guard needsWork else { return text }
        let composed = isStableUnderNFC(text) ? text : text.precomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        for scalar in composed.unicodeScalars {
            if (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0x7F { continue }
            out.append(scalar)
        }
        return String(out)
    }

    /// True when every scalar is in a range whose characters have
    /// NFC_Quick_Check = Yes and no combining class: then NFC(text) == text.
    /// Covers ASCII, Latin up to U+02FF, general punctuation (curly quotes),
    /// CJK symbols and punctuation, kana (not the combining voicing marks), CJK
    /// unified ideographs and full-width forms, which is most Chinese and
    /// English complaint text. Anything else goes through real composition.
    static func isStableUnderNFC(_ text: String) -> Bool {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0000..<0x0300, 0x2010...0x2027, 0x2030...0x205E, 0x3000...0x3029, 0x3030...0x3098,
                 0x309B...0x30FF, 0x4E00...0x9FFF, 0xFF00...0xFFEF:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// `text` without leading and trailing white space (Unicode White_Space,
    /// which includes the ideographic space U+3000 of Chinese text).
    ///
    /// Written over Unicode scalars: Foundation's `trimmingCharacters(in:)`
    /// bridges through NSString on Linux and showed up in ingestion profiles.
    public static func trim(_ text: String) -> String {
        // Most values start and end with a visible ASCII character.
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return text }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// `clean`, then nil for an empty result.
    public static func cleanOrNil(_ text: String?) -> String? {
        guard let text else { return nil }
        let c = clean(text)
        return c.isEmpty ? nil : c
    }
}

extension StringProtocol {
    /// Without leading and trailing Unicode white space: what
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives, without the
    /// NSString bridging that costs it most of its time on Linux.
    public var trimmingWhiteSpace: String { TextCleaner.trim(String(self)) }
}
