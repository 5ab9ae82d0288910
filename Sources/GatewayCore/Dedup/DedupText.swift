import Foundation

/// The text two complaints are compared by: what the customer wrote, without
/// what differs between copies of the same complaint.
///
/// Quoted earlier messages and signatures are cut (English and Chinese
/// markers), then NFKC (full-width ASCII and compatibility forms become their
/// plain forms), case folding, punctuation and symbols dropped, and whitespace
/// collapsed. "Ｈｅｌｌｏ，我的账单！" and "hello 我的账单" compare equal.
public enum DedupText {
    /// Lines that start the quoted part of a reply; everything from them on is cut.
    static let quoteMarkers = ["-----original message-----", "-----原始邮件-----", "------------------ 原始邮件 ------------------",
                               "发件人:", "发件人：", "from:", "________________________________"]

    public static func normalize(_ text: String) -> String {
        var kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let lower = trimmed.lowercased()
            if trimmed == "--" || trimmed == "-- " { break }  // signature delimiter
            if quoteMarkers.contains(where: { lower.hasPrefix($0) }) { break }
            if lower.hasPrefix("on "), lower.hasSuffix("wrote:") { break }
            if lower.hasPrefix("在"), lower.hasSuffix("写道：") || lower.hasSuffix("写道:") { break }
            if trimmed.hasPrefix(">") { continue }
            kept.append(line)
        }
        let folded = kept.joined(separator: "\n").precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            let p = scalar.properties
            if p.isWhitespace || p.generalCategory.isPunctuationOrSymbol {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(scalar)
        }
        return String(out)
    }
}

extension Unicode.GeneralCategory {
    var isPunctuationOrSymbol: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            true
        default:
            false
        }
    }
}
