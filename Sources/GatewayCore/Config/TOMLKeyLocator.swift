/// Finds the line each key of a TOML document is written on.
///
/// TOMLKit reports positions only for syntax errors, but `check` must name the
/// line of every bad key. This scanner follows table headers (`[storage]`,
/// `[[channel]]`), `key = value` lines and inline tables, and records the first
/// line of each key path (`channel[1].columns.start`). It runs only after
/// TOMLKit accepted the document, so it can assume well-formed input.
public struct TOMLKeyLocator: Sendable {
    private(set) var lines: [String: Int] = [:]

    public init(text: String) {
        var arrayCounts: [String: Int] = [:]
        var currentTable = ""
        var depth = 0  // open [ / { brackets of a value spanning lines
        var inMultilineString: String? = nil
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            if let delimiter = inMultilineString {
                if line.contains(delimiter) { inMultilineString = nil }
                continue
            }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if depth > 0 {
                // A value spanning lines (a long array): keys inside it, rare in practice,
                // are reported at the line of the key that opened it.
                depth += Self.bracketBalance(trimmed, multiline: &inMultilineString)
                continue
            }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("[[") {
                let name = Self.headerName(trimmed.dropFirst(2))
                let resolved = Self.resolve(name, arrayCounts: arrayCounts)
                let index = arrayCounts[resolved, default: 0]
                arrayCounts[resolved] = index + 1
                currentTable = "\(resolved)[\(index)]"
                lines[currentTable] = lines[currentTable] ?? lineNumber
                // The array itself, at its first element: `[[channels]]`, a typo, is reported there.
                lines[resolved] = lines[resolved] ?? lineNumber
                continue
            }
            if trimmed.hasPrefix("[") {
                currentTable = Self.resolve(Self.headerName(trimmed.dropFirst()), arrayCounts: arrayCounts)
                lines[currentTable] = lines[currentTable] ?? lineNumber
                continue
            }
            guard let eq = Self.assignmentIndex(trimmed) else { continue }
            let key = Self.keyPath(trimmed[..<eq])
            let full = currentTable.isEmpty ? key : "\(currentTable).\(key)"
            lines[full] = lines[full] ?? lineNumber
            let value = trimmed[trimmed.index(after: eq)...]
            if value.contains("{") {
                Self.recordInline(value, under: full, line: lineNumber, into: &lines)
            }
            depth += Self.bracketBalance(value, multiline: &inMultilineString)
        }
    }

    /// The line of `path`, or of its nearest enclosing key or table.
    public func line(of path: String) -> Int? {
        var p = Substring(path)
        while true {
            if let l = lines[String(p)] { return l }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            p = p[..<cut]
        }
    }

    private static func headerName(_ s: Substring) -> String {
        let name = s.prefix(while: { $0 != "]" })
        return keyPath(name)
    }

    /// `[channel.columns]` after `[[channel]]` means the last channel's table:
    /// every component but the last that names an array of tables refers to
    /// its most recent element.
    private static func resolve(_ name: String, arrayCounts: [String: Int]) -> String {
        let parts = name.split(separator: ".").map(String.init)
        var resolved: [String] = []
        for (i, part) in parts.enumerated() {
            let prefix = (resolved + [part]).joined(separator: ".")
            if i < parts.count - 1, let n = arrayCounts[prefix], n > 0 {
                resolved.append("\(part)[\(n - 1)]")
            } else {
                resolved.append(part)
            }
        }
        return resolved.joined(separator: ".")
    }

    private static func keyPath(_ s: Substring) -> String {
        s.split(separator: ".").map {
            $0.trimmingCharacters(in: " \t\"'")
        }.joined(separator: ".")
    }

    /// The index of the `=` of a `key = value` line, skipping quoted keys.
    private static func assignmentIndex(_ s: Substring) -> Substring.Index? {
        var quote: Character? = nil
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "=" {
                return i
            } else if c == "#" {
                return nil
            }
            i = s.index(after: i)
        }
        return nil
    }

    /// Net count of `[`/`{` minus `]`/`}` outside strings and comments.
    private static func bracketBalance(_ s: Substring, multiline: inout String?) -> Int {
        var balance = 0
        var quote: Character? = nil
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if let q = quote {
                if c == "\\" && q == "\"" {
                    i = s.index(after: i)
                    if i == s.endIndex { break }
                } else if c == q {
                    quote = nil
                }
            } else if c == "\"" || c == "'" {
                let triple = String(repeating: String(c), count: 3)
                if s[i...].hasPrefix(triple) {
                    let after = s.index(i, offsetBy: 3)
                    if let close = s[after...].range(of: triple) {
                        i = close.upperBound
                        continue
                    }
                    multiline = triple
                    return balance
                }
                quote = c
            } else if c == "#" {
                break
            } else if c == "[" || c == "{" {
                balance += 1
            } else if c == "]" || c == "}" {
                balance -= 1
            }
            i = s.index(after: i)
        }
        return balance
    }

    /// Records `a = ...` keys written inside inline tables on one line.
    ///
    /// A stack of open brackets tells whether a `,` ends a key/value pair (inside
    /// `{}`) or an array element (inside `[]`); only keys inside `{}` are recorded.
    private static func recordInline(_ s: Substring, under parent: String, line: Int, into lines: inout [String: Int]) {
        enum Frame { case table(String), array }
        var stack: [Frame] = []
        var expectingKey = false
        var token = ""
        var lastKey: String? = nil
        var quote: Character? = nil
        for c in s {
            if let q = quote {
                if c == q { quote = nil } else if expectingKey { token.append(c) }
                continue
            }
            switch c {
            case "\"", "'":
                quote = c
            case "#" where !expectingKey:
                return
            case "{":
                let base: String
                if case .table(let path)? = stack.last, let k = lastKey { base = path + "." + k } else { base = parent }
                stack.append(.table(base))
                expectingKey = true
                token = ""
            case "[":
                stack.append(.array)
            case "}", "]":
                if !stack.isEmpty { stack.removeLast() }
                expectingKey = false
            case "=" where expectingKey:
                let k = keyPath(Substring(token))
                if case .table(let path)? = stack.last, !k.isEmpty {
                    lines[path + "." + k] = lines[path + "." + k] ?? line
                    lastKey = k
                }
                token = ""
                expectingKey = false
            case ",":
                if case .table? = stack.last { expectingKey = true; token = "" }
            default:
                if expectingKey { token.append(c) }
            }
        }
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
