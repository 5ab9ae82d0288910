import GatewayCore
/// The Chinese characters of everyday text: GB2312's 6,763 (simplified) and
/// Big5's 5,401 frequent ones (traditional). Together they cover almost all
/// characters of real complaints, but only a small share of the characters
/// that bytes in the wrong charset decode to. Read once from the system's
/// iconv tables, so there is no table to keep in the source.
///
/// A reading counts its characters against the set of the charset that made
/// it: GBK bytes misread from another charset decode to characters GBK has,
/// traditional ones among them, but seldom to GB2312's.
public enum CommonHan: Sendable {
    /// GB2312's characters (readings in GB18030, GBK, GB2312, HZ).
    case simplified
    /// Big5's frequent characters (readings in Big5).
    case traditional
    /// Either (readings in UTF-8 and every other charset).
    case either

    /// The set a reading in `charset` is held to.
    public init(charset: Charset) {
        let name = charset.iconvName.uppercased()
        self = name == "GB18030" || name == "HZ" ? .simplified : name.hasPrefix("BIG5") ? .traditional : .either
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case .simplified: Self.sets.simplified.contains(scalar.value)
        case .traditional: Self.sets.traditional.contains(scalar.value)
        case .either: Self.sets.simplified.contains(scalar.value) || Self.sets.traditional.contains(scalar.value)
        }
    }

    private static let sets: (simplified: Set<UInt32>, traditional: Set<UInt32>) = {
        // GB2312 levels 1 and 2: leading bytes B0–F7, trailing A1–FE.
        var gb: [UInt8] = []
        for lead in UInt8(0xB0)...0xF7 { for trail in UInt8(0xA1)...0xFE { gb += [lead, trail] } }
        // Big5 level 1: leading bytes A4–C6, trailing 40–7E and A1–FE.
        var big5: [UInt8] = []
        for lead in UInt8(0xA4)...0xC6 {
            for trail in Array(UInt8(0x40)...0x7E) + Array(UInt8(0xA1)...0xFE) { big5 += [lead, trail] }
        }
        func members(_ bytes: [UInt8], _ label: String) -> Set<UInt32> {
            guard let charset = Charset(label: label), let decoded = try? IconvConverter.decode(bytes, charset: charset) else { return [] }
            return Set(decoded.text.unicodeScalars.lazy.filter { $0.value >= 0x3400 }.map(\.value))
        }
        return (members(gb, "gb18030"), members(big5, "big5"))
    }()
}
