/// Readable text from an HTML mail body: block elements become line breaks,
/// entities are decoded, `script`, `style` and `head` are dropped, runs of
/// white space collapse as a browser would show them.
///
/// Not an HTML parser: mail HTML is often broken, and this only has to keep
/// the words a person wrote, in order, on sensible lines.
public enum HTMLText {
    private static let blocks: Set<String> = [
        "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr",
        "pre", "section", "article", "header", "footer", "dd", "dt", "dl", "address", "center", "form", "title",
    ]
    private static let dropped: Set<String> = ["script", "style", "head", "noscript", "template", "xml"]

    public static func text(_ html: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        // Line breaks owed before the next visible character: 1 after a block,
        // 2 (an empty line) after a paragraph; at most 2.
        var pendingBreaks = 0
        var skipUntil: String? = nil
        let s = Array(html.unicodeScalars)
        var i = 0

        /// `literal`: a character shown as it is even when it is white space (&nbsp;).
        func emit(_ c: Unicode.Scalar, literal: Bool = false) {
            if !literal, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
                pendingSpace = true
                return
            }
            if !out.isEmpty, pendingBreaks > 0 {
                out.append(contentsOf: String(repeating: "\n", count: min(pendingBreaks, 2)).unicodeScalars)
            } else if pendingSpace, !out.isEmpty {
                out.append(" ")
            }
            pendingBreaks = 0
            pendingSpace = false
            out.append(c)
        }

        while i < s.count {
            let c = s[i]
            if c == "<" {
                // Comment, doctype, processing instruction.
                if i + 3 < s.count, s[i + 1] == "!", s[i + 2] == "-", s[i + 3] == "-" {
                    i = find("-->", in: s, from: i + 4).map { $0 + 3 } ?? s.count
                    continue
                }
                // A "<" that opens no tag is text ("a < b", a broken tag at the end).
                guard let close = s[i...].firstIndex(of: ">"),
                      i + 1 < s.count, s[i + 1].properties.isAlphabetic || s[i + 1] == "/" || s[i + 1] == "!" || s[i + 1] == "?" else {
                    emit(c); i += 1; continue
                }
                let inner = String(String.UnicodeScalarView(s[(i + 1)..<close]))
                i = close + 1
                let closing = inner.hasPrefix("/")
                let name = inner.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                if let waiting = skipUntil {
                    if closing, name == waiting { skipUntil = nil }
                    continue
                }
                if name.isEmpty { continue }
                if dropped.contains(name), !closing, !inner.hasSuffix("/") {
                    skipUntil = name
                    continue
                }
                if name == "br" {
                    pendingBreaks = min(pendingBreaks + 1, 2)
                } else if ["p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre"].contains(name) {
                    pendingBreaks = 2
                } else if blocks.contains(name) {
                    pendingBreaks = max(pendingBreaks, 1)
                } else if name == "td" || name == "th" {
                    if !closing { pendingSpace = true }
                } else if name == "img", !closing, let alt = attribute("alt", in: inner), !alt.isEmpty {
                    for scalar in "[\(alt)]".unicodeScalars { emit(scalar) }
                }
                continue
            }
            if skipUntil != nil { i += 1; continue }
            if c == "&", let (decoded, length) = entity(s, at: i) {
                for scalar in decoded.unicodeScalars {
                    // A non-breaking space is a space that does not collapse.
                    if scalar == "\u{A0}" { emit(" ", literal: true) } else { emit(scalar) }
                }
                i += length
                continue
            }
            emit(c)
            i += 1
        }
        return String(out)
    }

    private static func find(_ needle: String, in s: [Unicode.Scalar], from: Int) -> Int? {
        let n = Array(needle.unicodeScalars)
        var i = from
        while i + n.count <= s.count {
            if s[i] == n[0], Array(s[i..<(i + n.count)]) == n { return i }
            i += 1
        }
        return nil
    }

    private static func attribute(_ name: String, in tag: String) -> String? {
        guard let range = tag.range(of: name + "=", options: .caseInsensitive) else { return nil }
        var rest = tag[range.upperBound...]
        if let quote = rest.first, quote == "\"" || quote == "'" {
            rest = rest.dropFirst()
            return String(rest.prefix { $0 != quote })
        }
        return String(rest.prefix { !$0.isWhitespace && $0 != ">" })
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "copy": "©", "reg": "®",
        "mdash": "—", "ndash": "–", "hellip": "…", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "yen": "¥", "euro": "€", "pound": "£", "middot": "·", "bull": "•", "times": "×", "laquo": "«", "raquo": "»",
        "trade": "™", "deg": "°", "ensp": " ", "emsp": " ", "thinsp": " ", "zwnj": "", "zwj": "",
    ]

    /// A character reference at `i` (`&amp;`, `&#20320;`, `&#x4F60;`), and its length.
    private static func entity(_ s: [Unicode.Scalar], at i: Int) -> (String, Int)? {
        var j = i + 1
        var name = ""
        while j < s.count, j - i < 12, s[j] != ";", s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) || s[j] == "#" {
            name.unicodeScalars.append(s[j])
            j += 1
        }
        let hasSemicolon = j < s.count && s[j] == ";"
        let length = j - i + (hasSemicolon ? 1 : 0)
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value), value != 0 else { return nil }
            return (String(scalar), length)
        }
        guard let decoded = named[name.lowercased()], hasSemicolon || ["amp", "lt", "gt", "nbsp", "quot"].contains(name) else { return nil }
        return (decoded, length)
    }
}
