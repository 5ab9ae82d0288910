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
        // NFC only matters for non-ASCII text, which is why ASCII skips all of this.
        let composed = text.precomposedStringWithCanonicalMapping
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

    /// `text` without leading and trailing white space (Unicode White_Space,
    /// which includes the ideographic space U+3000 of Chinese text).
    ///
    /// Written over Unicode scalars: Foundation's `trimmingCharacters(in:)`
    /// bridges through NSString on Linux and showed up in ingestion profiles.
    public static func trim(_ text: String) -> String {
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
