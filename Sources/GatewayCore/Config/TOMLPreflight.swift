/// Checks run on the configuration text before TOMLKit parses it.
///
/// The TOML parser underneath (toml++) trusts two things a hostile or damaged
/// file breaks: that a table header's name starts like a key (`[[[1]]]` or
/// `[\u{1B}storage]` fail a precondition inside the parser, which aborts the
/// process or is undefined behaviour in a release build), and that control
/// characters do not occur where the spec forbids them. Both are refused here
/// with a located problem instead; a valid TOML file never has either.
enum TOMLPreflight {
    static func problems(in text: String, file: String) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        var multiline: String? = nil  // the delimiter of a multi-line string being read
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if let bad = line.unicodeScalars.first(where: { ($0.value < 0x20 && $0 != "\t" && $0 != "\r") || $0.value == 0x7F }) {
                problems.append(ConfigProblem(file: file, line: number, key: nil,
                                              message: "control character U+\(String(bad.value, radix: 16, uppercase: true)) is not allowed in TOML (write it as an escape inside a string)"))
                continue
            }
            if let open = multiline {
                if line.components(separatedBy: open).count % 2 == 0 { multiline = nil }
                continue
            }
            for delimiter in ["\"\"\"", "'''"] where line.components(separatedBy: delimiter).count % 2 == 0 {
                multiline = delimiter
            }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.first == "[" else { continue }
            let name = trimmed.dropFirst(trimmed.hasPrefix("[[") ? 2 : 1).drop { $0 == " " || $0 == "\t" }
            guard let first = name.unicodeScalars.first,
                  ("a"..."z").contains(first) || ("A"..."Z").contains(first) || ("0"..."9").contains(first)
                    || first == "_" || first == "-" || first == "\"" || first == "'" else {
                problems.append(ConfigProblem(file: file, line: number, key: nil,
                                              message: "a table header must name its table, like [storage] or [[channel]]"))
                continue
            }
        }
        return problems
    }
}
