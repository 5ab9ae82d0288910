import Foundation

/// Which feed items are complaints: those whose title, text or author match
/// one of the keywords, handles or the regular expression. With no rule at
/// all, every item is.
public struct FeedFilter: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable once built and documented as
    // safe to use from several threads; the other stored properties are values.
    public var keywords: [String]
    public var handles: [String]
    public var regex: NSRegularExpression?

    public init(keywords: [String] = [], handles: [String] = [], regex: NSRegularExpression? = nil) {
        self.keywords = keywords.map { $0.lowercased() }.filter { !$0.isEmpty }
        self.handles = handles.map(Self.normalizeHandle).filter { !$0.isEmpty }
        self.regex = regex
    }

    public var isEmpty: Bool { keywords.isEmpty && handles.isEmpty && regex == nil }

    /// Whether the entry is a complaint, given its text fields (already converted from HTML).
    public func matches(title: String?, text: String?, author: [String]) -> Bool {
        if isEmpty { return true }
        let haystack = [title ?? "", text ?? "", author.joined(separator: " ")].joined(separator: "\n")
        let lower = haystack.lowercased()
        if keywords.contains(where: { lower.contains($0) }) { return true }
        let authors = Set(author.map(Self.normalizeHandle))
        if handles.contains(where: { authors.contains($0) }) { return true }
        if let regex, regex.firstMatch(in: haystack, range: NSRange(haystack.startIndex..., in: haystack)) != nil { return true }
        return false
    }

    static func normalizeHandle(_ handle: String) -> String {
        var h = handle.trimmingCharacters(in: .whitespaces).lowercased()
        if h.hasPrefix("@") { h.removeFirst() }
        return h
    }
}
