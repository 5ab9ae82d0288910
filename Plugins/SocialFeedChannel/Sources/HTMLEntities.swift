import Foundation

/// HTML named entities (the Latin-1 set and common typography) as character
/// references, and bare ampersands escaped, for feeds written as if XML were HTML.
enum HTMLEntities {
    static let codePoints: [String: UInt32] = {
        var table: [String: UInt32] = [
            "nbsp": 160, "iexcl": 161, "cent": 162, "pound": 163, "curren": 164, "yen": 165, "brvbar": 166, "sect": 167,
            "uml": 168, "copy": 169, "ordf": 170, "laquo": 171, "not": 172, "shy": 173, "reg": 174, "macr": 175, "deg": 176,
            "plusmn": 177, "sup2": 178, "sup3": 179, "acute": 180, "micro": 181, "para": 182, "middot": 183, "cedil": 184,
            "sup1": 185, "ordm": 186, "raquo": 187, "frac14": 188, "frac12": 189, "frac34": 190, "iquest": 191,
            "times": 215, "divide": 247, "ndash": 8211, "mdash": 8212, "lsquo": 8216, "rsquo": 8217, "sbquo": 8218,
            "ldquo": 8220, "rdquo": 8221, "bdquo": 8222, "dagger": 8224, "Dagger": 8225, "bull": 8226, "hellip": 8230,
            "permil": 8240, "prime": 8242, "lsaquo": 8249, "rsaquo": 8250, "euro": 8364, "trade": 8482, "larr": 8592,
            "rarr": 8594, "ensp": 8194, "emsp": 8195, "thinsp": 8201, "zwnj": 8204, "zwj": 8205,
        ]
        // À..ÿ by name.
        let latin = ["Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc",
                     "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde",
                     "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave",
                     "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml",
                     "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
                     "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml"]
        for (i, name) in latin.enumerated() { table[name] = UInt32(192 + i) }
        return table
    }()

    /// Whether a byte 0x26 in the document is always "&": not in UTF-16/32
    /// (a BOM or NULs among the first bytes) nor in ISO-2022 (7-bit escapes).
    /// GBK, GB18030, Big5 and Shift_JIS trail bytes never fall below 0x40.
    static func isASCIICompatible(_ data: Data) -> Bool {
        let head = data.prefix(4)
        if head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) || head.contains(0) { return false }
        let declaration = String(decoding: data.prefix(200), as: UTF8.self).lowercased()
        if let range = declaration.range(of: "encoding="), declaration[range.upperBound...].drop(while: { $0 == "\"" || $0 == "'" }).hasPrefix("iso-2022") {
            return false
        }
        return true
    }

    /// `&name;` for the names above become `&#N;`, and a bare `&` becomes
    /// `&amp;`; everything else is untouched.
    static func rewriteUndeclared(_ data: Data) -> Data {
        data.withUnsafeBytes { bytes in
            var out: [UInt8]? = nil
            var copied = 0
            var i = 0
            // Only "&" matters; the text between is copied in runs, and a document
            // that needs no rewriting (most) is returned as it came.
            while let amp = bytes[i...].firstIndex(of: UInt8(ascii: "&")) {
                var j = amp + 1
                while j < bytes.count, j - amp <= 10, (bytes[j] >= 0x41 && bytes[j] <= 0x5A) || (bytes[j] >= 0x61 && bytes[j] <= 0x7A) || (bytes[j] >= 0x30 && bytes[j] <= 0x39) { j += 1 }
                let isReference = j < bytes.count && bytes[j] == UInt8(ascii: ";") && j > amp + 1
                var replacement: [UInt8]? = nil
                var end = amp + 1
                if isReference, let code = codePoints[String(decoding: bytes[(amp + 1)..<j], as: UTF8.self)] {
                    replacement = Array("&#\(code);".utf8)
                    end = j + 1
                } else if !isReference, !(amp + 1 < bytes.count && bytes[amp + 1] == UInt8(ascii: "#")) {
                    // A bare "&" ("Fish & Chips") is text, not the start of a reference.
                    replacement = Array("&amp;".utf8)
                }
                if let replacement {
                    if out == nil { out = []; out!.reserveCapacity(bytes.count + 64) }
                    out!.append(contentsOf: bytes[copied..<amp])
                    out!.append(contentsOf: replacement)
                    copied = end
                }
                i = end
            }
            guard var out else { return data }
            out.append(contentsOf: bytes[copied...])
            return Data(out)
        }
    }
}
