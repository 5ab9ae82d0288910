import Foundation

/// Finds a list of words in texts, on their UTF-8 bytes (`[identity]
/// escalation_words`, the outage words of `IncidentTopic`): it runs for
/// every complaint on the parallel side of the intake, where Foundation's
/// `range(of:)` was a sixth of all samples.
///
/// ASCII letters are compared case-insensitively; by default a word of
/// Latin letters counts only as a whole word ("sue" is not in "issue",
/// "media" not in "multimedia"); any other word (Chinese, digits such as
/// 12315) anywhere.
public struct WordFinder: Sendable {
    struct Word: Sendable {
        var text: String
        var bytes: [UInt8]
        var wholeWord: Bool
    }

    let words: [Word]

    /// - Parameter wholeWords: false finds Latin words inside others too
    ///   ("blackout" in "blackouts").
    public init(_ words: [String], wholeWords: Bool = true) {
        self.words = words.compactMap { word in
            let bytes = Array(word.utf8).map(Self.folded)
            guard let first = bytes.first, let last = bytes.last else { return nil }
            return Word(text: word, bytes: bytes, wholeWord: wholeWords && (Self.isLetter(first) || Self.isLetter(last)))
        }
    }

    /// Whether any of the words occurs in `text`.
    public func occursAny(in text: String) -> Bool {
        let folded = Array(text.utf8).map(Self.folded)
        return words.contains { Self.occurs($0, in: folded) }
    }

    /// The words that occur in any of `texts`, in the configured order.
    public func find(in texts: [String]) -> [String] {
        guard !words.isEmpty else { return [] }
        let folded = texts.map { Array($0.utf8).map(Self.folded) }
        return words.filter { word in folded.contains { Self.occurs(word, in: $0) } }.map(\.text)
    }

    static func occurs(_ word: Word, in text: [UInt8]) -> Bool {
        let needle = word.bytes
        guard text.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let end = text.count - needle.count
        while i <= end {
            if text[i] == first {
                var j = 1
                while j < needle.count, text[i + j] == needle[j] { j += 1 }
                if j == needle.count {
                    let letterBefore = i > 0 && isLetter(text[i - 1])
                    let letterAfter = i + needle.count < text.count && isLetter(text[i + needle.count])
                    if !word.wholeWord || (!letterBefore && !letterAfter) { return true }
                }
            }
            i += 1
        }
        return false
    }

    static func folded(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
    }
}
