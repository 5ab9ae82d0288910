import Foundation

/// Text clean-up every channel's text goes through: Unicode NFC, `\r\n` and
/// `\r` to `\n`, no NULs or stray control characters, trimmed ends.
public enum TextCleaner {
    /// The cleaned form of `text`.
    public static func clean(_ text: String) -> String {
        var needsWork = false
        for u in text.utf8 where u >= 0x80 || u == 0x0D || (u < 0x20 && u != 0x0A && u != 0x09) {
            needsWork = true
            break
        }
        var s = text
        if needsWork {
            // NFC only matters for non-ASCII; skip the costly pass for ASCII text.
            s = s.precomposedStringWithCanonicalMapping
            s = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            s.unicodeScalars.removeAll { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || $0.value == 0x7F }
        }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `clean`, then nil for an empty result.
    public static func cleanOrNil(_ text: String?) -> String? {
        guard let text else { return nil }
        let c = clean(text)
        return c.isEmpty ? nil : c
    }
}
