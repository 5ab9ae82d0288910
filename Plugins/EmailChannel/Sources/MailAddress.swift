import GatewayCore

/// One mailbox of an address header: `"Name" <local@domain>`.
public struct MailAddress: Sendable, Equatable {
    public var name: String?
    public var address: String?

    public init(name: String? = nil, address: String? = nil) {
        self.name = name
        self.address = address
    }

    /// The mailboxes of an address-list header value (From, Reply-To, To),
    /// groups flattened. `text` is the raw value as text; display names
    /// have their RFC 2047 words decoded (inside quotes too, as mailers write them).
    public static func list(_ text: String, fallback: Charset = .utf8) -> [MailAddress] {
        var result: [MailAddress] = []
        for item in splitTopLevel(text) {
            var item = Substring(item)
            // "Group: a@b, c@d;" — the group's name is not a mailbox.
            if let colon = topLevelIndex(of: ":", in: item), !item[..<colon].contains("<"), !item[..<colon].contains("@") {
                item = item[item.index(after: colon)...]
            }
            item = item.drop { $0 == " " || $0 == "\t" || $0 == ";" }
            while item.last == ";" || item.last == " " { item = item.dropLast() }
            if let parsed = mailbox(String(item), fallback: fallback) { result.append(parsed) }
        }
        return result
    }

    static func mailbox(_ text: String, fallback: Charset) -> MailAddress? {
        let trimmed = text.asciiTrimmed
        guard !trimmed.isEmpty else { return nil }
        if let open = trimmed.lastIndex(of: "<") {
            let close = trimmed[open...].firstIndex(of: ">") ?? trimmed.endIndex
            // RFC 5322 comments are not part of the address: "<li(sales)@example.cn>".
            let address = removingComments(trimmed[trimmed.index(after: open)..<close]).text.asciiTrimmed
            let name = displayName(String(trimmed[..<open]), fallback: fallback)
            // "<@route:user@host>" source routes: the address is after the colon.
            let plain = address.split(separator: ":").last.map(String.init) ?? address
            return MailAddress(name: name, address: plain.isEmpty ? nil : plain)
        }
        // "user@host (Name)", "li(sales)@example.cn(office)", "张三 zhang@example.cn",
        // a bare address or a bare name.
        let (bare, comments) = removingComments(Substring(trimmed))
        let words = bare.asciiTrimmed
        guard words.contains("@") else {
            return MailAddress(name: displayName(trimmed, fallback: fallback), address: nil)
        }
        if let space = lastTopLevelSpace(in: words) {
            // A display name written without angle brackets before the address.
            let last = words[words.index(after: space)...]
            if last.contains("@"), case let address = unquote(String(last)), !address.isEmpty {
                let name = displayName(String(words[..<space]), fallback: fallback)
                    ?? comments.last.flatMap { displayName($0, fallback: fallback) }
                return MailAddress(name: name, address: address)
            }
            return MailAddress(name: displayName(trimmed, fallback: fallback), address: nil)
        }
        // The old convention: the comment after a bare address is the person's name.
        return MailAddress(name: comments.last.flatMap { displayName($0, fallback: fallback) }, address: unquote(words))
    }

    /// The text with its (nested) comments taken out, and the comments' texts.
    /// Parentheses inside quoted strings are not comments.
    static func removingComments(_ text: Substring) -> (text: String, comments: [String]) {
        guard text.contains("(") else { return (String(text), []) }
        var out = ""
        var comments: [String] = []
        var comment = ""
        var depth = 0
        var quoted = false, escaped = false
        for c in text {
            if escaped {
                if depth > 0 { comment.append(c) } else { out.append(c) }
                escaped = false
                continue
            }
            switch c {
            case "\\" where quoted || depth > 0:
                escaped = true
                if depth == 0 { out.append(c) }
                continue
            case "\"" where depth == 0:
                quoted.toggle()
            case "(" where !quoted:
                depth += 1
                if depth == 1 { continue }
            case ")" where !quoted && depth > 0:
                depth -= 1
                if depth == 0 {
                    comments.append(comment)
                    comment = ""
                    // A comment separates like white space ("a(x)b" is not "ab" to a reader, but
                    // inside an address "li(sales)@example.cn" it joins): keep addresses whole.
                    continue
                }
            default: break
            }
            if depth > 0 { comment.append(c) } else { out.append(c) }
        }
        return (out, comments)
    }

    /// The last space or tab outside quotes.
    static func lastTopLevelSpace(in text: String) -> String.Index? {
        var quoted = false
        var found: String.Index? = nil
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "\"" { quoted.toggle() } else if !quoted, c == " " || c == "\t" { found = i }
            i = text.index(after: i)
        }
        return found
    }

    static func displayName(_ raw: String, fallback: Charset) -> String? {
        var name = raw.asciiTrimmed
        name = unquote(name)
        if name.contains("=?") { name = EncodedWords.decode(name, fallback: fallback).text }
        name = name.asciiTrimmed
        if name.count >= 2, name.first == "'", name.last == "'" { name = String(name.dropFirst().dropLast()) }
        return name.isEmpty ? nil : name
    }

    /// Removes surrounding double quotes and backslash escapes.
    static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return text }
        var out = ""
        var escaped = false
        for c in text.dropFirst().dropLast() {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }

    /// Splits at commas outside quotes, angle brackets and comments.
    static func splitTopLevel(_ text: String) -> [String] {
        var items: [String] = []
        var current = ""
        var quoted = false, escaped = false
        var angle = 0, paren = 0
        for c in text {
            if escaped { current.append(c); escaped = false; continue }
            switch c {
            case "\\" where quoted: escaped = true
            case "\"": quoted.toggle()
            case "<" where !quoted: angle += 1
            case ">" where !quoted: angle = max(0, angle - 1)
            case "(" where !quoted: paren += 1
            case ")" where !quoted: paren = max(0, paren - 1)
            case "," where !quoted && angle == 0 && paren == 0:
                items.append(current)
                current = ""
                continue
            default: break
            }
            current.append(c)
        }
        items.append(current)
        return items
    }

    static func topLevelIndex(of target: Character, in text: Substring) -> Substring.Index? {
        var quoted = false
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "\"" { quoted.toggle() } else if c == target, !quoted { return i }
            i = text.index(after: i)
        }
        return nil
    }
}
