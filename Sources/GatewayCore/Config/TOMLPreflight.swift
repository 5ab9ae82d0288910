/// Checks run on the configuration text before TOMLKit parses it.
///
/// The TOML parser underneath (toml++) trusts two things a hostile or damaged
/// file breaks: that a table header's name starts like a key (`[[[1]]]`,
/// `[#x]` or `[\u{1B}storage]` fail a precondition inside the parser, which
/// aborts the process, or is undefined behaviour in a release build), and that
/// control characters do not occur where the spec forbids them. Both are
/// refused here with a located problem instead; a valid TOML file has neither.
enum TOMLPreflight {
    static func problems(in text: String, file: String) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        // Scalars, not Characters: a combining mark after "[" or a quote makes one
        // grapheme of the two, and the parser underneath reads code points.
        var multiline: [Unicode.Scalar]? = nil  // the delimiter of a multi-line string being read
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if let bad = line.unicodeScalars.first(where: { ($0.value < 0x20 && $0 != "\t" && $0 != "\r") || $0.value == 0x7F }) {
                problems.append(ConfigProblem(file: file, line: number, key: nil,
                                              message: "control character U+\(String(bad.value, radix: 16, uppercase: true)) is not allowed in TOML (write it as an escape inside a string)"))
                continue
            }
            let startsInString = multiline != nil
            let scalars = Array(line.unicodeScalars)
            multiline = Self.scan(scalars, openMultiline: multiline)
            guard !startsInString else { continue }
            let trimmed = scalars.drop { $0 == " " || $0 == "\t" }
            guard trimmed.first == "[" else { continue }
            let name = trimmed.dropFirst(trimmed.starts(with: ["[", "["]) ? 2 : 1).drop { $0 == " " || $0 == "\t" }
            guard let first = name.first,
                  ("a"..."z").contains(first) || ("A"..."Z").contains(first) || ("0"..."9").contains(first)
                    || first == "_" || first == "-" || first == "\"" || first == "'" else {
                problems.append(ConfigProblem(file: file, line: number, key: nil,
                                              message: "a table header must name its table, like [storage] or [[channel]]"))
                continue
            }
        }
        if problems.isEmpty, let line = firstMisplacedBrace(Array(text.unicodeScalars)) {
            problems.append(ConfigProblem(file: file, line: line, key: nil,
                                          message: "\"}\" where an array expects a value or \"]\""))
        }
        return problems
    }

    /// The line of the first `}` where an array expects a value (`[}`, `[1, }`):
    /// another precondition of the parser underneath that aborts the process.
    static func firstMisplacedBrace(_ text: [Unicode.Scalar]) -> Int? {
        var containers: [Unicode.Scalar] = []  // "[" of arrays, "{" of inline tables
        var expectingValue = false, afterEquals = false, lineStart = true
        var line = 1, i = 0
        func skipString() {
            let quote = text[i]
            let triple = i + 2 < text.count && text[i + 1] == quote && text[i + 2] == quote
            i += triple ? 3 : 1
            while i < text.count {
                if text[i] == "\n" { line += 1 }
                if quote == "\"", text[i] == "\\" { i += 2; continue }
                if text[i] == quote, !triple || (i + 2 < text.count && text[i + 1] == quote && text[i + 2] == quote) {
                    i += triple ? 3 : 1
                    return
                }
                if !triple, text[i] == "\n" { return }
                i += 1
            }
        }
        while i < text.count {
            let c = text[i]
            switch c {
            case "\n":
                line += 1
                lineStart = containers.isEmpty
                if containers.isEmpty { afterEquals = false }
                i += 1
                continue
            case " ", "\t", "\r":
                i += 1
                continue
            case "#":
                while i < text.count, text[i] != "\n" { i += 1 }
                continue
            default:
                break
            }
            if expectingValue, c == "}" { return line }
            expectingValue = false
            switch c {
            case "\"", "'":
                skipString()
                lineStart = false
                continue
            case "[" where lineStart && containers.isEmpty && !afterEquals:
                // A table header: to the end of its line.
                while i < text.count, text[i] != "\n" { i += 1 }
                continue
            case "[":
                containers.append("[")
                expectingValue = true
            case "{":
                containers.append("{")
                afterEquals = false
            case "]", "}":
                if !containers.isEmpty { containers.removeLast() }
            case ",":
                expectingValue = containers.last == "["
                if containers.last == "{" { afterEquals = false }
            case "=":
                afterEquals = true
            default:
                break
            }
            lineStart = false
            i += 1
        }
        return nil
    }

    /// Reads one line's strings and comment; returns the delimiter of a
    /// multi-line string still open at its end, or nil.
    static func scan(_ chars: [Unicode.Scalar], openMultiline: [Unicode.Scalar]?) -> [Unicode.Scalar]? {
        var open = openMultiline
        var i = 0
        func at(_ delimiter: [Unicode.Scalar]) -> Bool {
            i + delimiter.count <= chars.count && Array(chars[i..<(i + delimiter.count)]) == delimiter
        }
        while i < chars.count {
            if let delimiter = open {
                if delimiter == ["\"", "\"", "\""], chars[i] == "\\" { i += 2; continue }
                if at(delimiter) { open = nil; i += 3 } else { i += 1 }
                continue
            }
            switch chars[i] {
            case "#":
                return nil
            case "\"" where at(["\"", "\"", "\""]), "'" where at(["'", "'", "'"]):
                open = Array(repeating: chars[i], count: 3)
                i += 3
            case "\"", "'":
                // A one-line string: to its closing quote (basic strings escape with \).
                let quote = chars[i]
                i += 1
                while i < chars.count, chars[i] != quote {
                    i += quote == "\"" && chars[i] == "\\" ? 2 : 1
                }
                i += 1
            default:
                i += 1
            }
        }
        return open
    }
}
