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
            let address = trimmed[trimmed.index(after: open)..<close].asciiTrimmed
            let name = displayName(String(trimmed[..<open]), fallback: fallback)
            // "<@route:user@host>" source routes: the address is after the colon.
            let plain = address.split(separator: ":").last.map(String.init) ?? address
            return MailAddress(name: name, address: plain.isEmpty ? nil : plain)
        }
        // "user@host (Name)" or a bare address, or a bare name.
        var address = trimmed
        var comment: String? = nil
        if let open = trimmed.firstIndex(of: "("), let close = trimmed.lastIndex(of: ")"), open < close {
            comment = String(trimmed[trimmed.index(after: open)..<close])
            address = (String(trimmed[..<open]) + String(trimmed[trimmed.index(after: close)...])).asciiTrimmed
        }
        if address.contains("@"), !address.contains(" ") {
            return MailAddress(name: comment.flatMap { displayName($0, fallback: fallback) }, address: unquote(address))
        }
        return MailAddress(name: displayName(trimmed, fallback: fallback), address: nil)
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
