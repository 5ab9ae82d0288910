/// A character encoding named the way mail headers, HTTP and CSV exports name
/// them, mapped to the converter that decodes it correctly.
///
/// Labels lie in predictable ways: text labelled GB2312 routinely carries
/// GBK-only characters, and Big5 text uses HKSCS extensions. So the narrow
/// labels decode with their supersets (GB18030, BIG5-HKSCS), which accept
/// everything the narrow charset does and more.
public struct Charset: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The label as given, lower-cased.
    public let label: String
    /// The iconv name used to decode it.
    public let iconvName: String

    /// Resolves a label; nil when this system's iconv cannot decode it.
    public init?(label: String) {
        // On bytes: every message resolves its labels, and labels are ASCII.
        var bytes = Array(label.trimmingWhiteSpace.utf8)
        while bytes.first == 0x22 || bytes.first == 0x27 { bytes.removeFirst() }
        while bytes.last == 0x22 || bytes.last == 0x27 { bytes.removeLast() }
        let l = String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        guard !l.isEmpty else { return nil }
        let name = Self.aliases[l] ?? l.uppercased()
        guard IconvConverter.canDecode(name) else { return nil }
        self.label = l
        self.iconvName = name
    }

    public static let utf8 = Charset(uncheckedLabel: "utf-8", iconvName: "UTF-8")

    private init(uncheckedLabel: String, iconvName: String) {
        self.label = uncheckedLabel
        self.iconvName = iconvName
    }

    public var isUTF8: Bool { iconvName == "UTF-8" }

    /// Whether bytes below 0x80 mean ASCII in this charset. Not so for the
    /// stateful 7-bit ones (ISO-2022-JP's `ESC $ B`, HZ's `~{`), whose escape
    /// sequences look like ASCII, nor for UTF-16/32.
    public var isASCIICompatible: Bool {
        let name = iconvName.uppercased()
        return !(name.hasPrefix("ISO-2022") || name.hasPrefix("UTF-16") || name.hasPrefix("UTF-7") || name == "HZ"
                 || name.hasPrefix("UTF-32") || name.hasPrefix("UCS"))
    }

    public var description: String { label }

    static let aliases: [String: String] = [
        "utf8": "UTF-8", "utf-8": "UTF-8", "us-ascii": "UTF-8", "ascii": "UTF-8",
        "gb2312": "GB18030", "gbk": "GB18030", "gb18030": "GB18030", "cp936": "GB18030", "x-gbk": "GB18030",
        "euc-cn": "GB18030", "csgb2312": "GB18030", "hz-gb-2312": "HZ",
        "big5": "BIG5-HKSCS", "big5-hkscs": "BIG5-HKSCS", "cp950": "BIG5-HKSCS", "x-big5": "BIG5-HKSCS",
        "latin1": "ISO-8859-1", "latin-1": "ISO-8859-1", "iso-8859-1": "ISO-8859-1",
        "shift_jis": "CP932", "sjis": "CP932", "x-sjis": "CP932", "ks_c_5601-1987": "CP949", "euc-kr": "CP949",
    ]
}

import Foundation
