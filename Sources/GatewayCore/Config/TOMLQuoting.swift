import Foundation

/// Text as a TOML basic string: quotes, backslashes and control characters escaped.
enum TOMLQuoting {
    static func quoted(_ text: String) -> String {
        var s = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\t": s += "\\t"
            case "\r": s += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    s += String(format: "\\u%04X", scalar.value)
                } else {
                    s.unicodeScalars.append(scalar)
                }
            }
        }
        return s + "\""
    }
}
