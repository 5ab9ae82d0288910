/// Turns phone numbers as people and switches write them into E.164
/// (`+8613812345678`), assuming a default country for national numbers.
///
/// Deliberately small: it knows each supported country's calling code, trunk
/// prefix and national number lengths, which covers the formats call-centre
/// exports and web forms carry (`138 1234 5678`, `010-12345678`,
/// `+86 (10) 1234 5678`, `0086...`, `(415) 555-2671`). A number it cannot place
/// yields nil rather than a guess; callers keep the raw value in attributes.
public struct PhoneNumberNormalizer: Sendable {
    /// Numbering facts for one country.
    public struct Country: Sendable {
        public var code: String
        public var callingCode: String
        public var trunkPrefix: String?
        public var nationalLengths: ClosedRange<Int>
    }

    public static let countries: [String: Country] = {
        let list: [Country] = [
            Country(code: "CN", callingCode: "86", trunkPrefix: "0", nationalLengths: 9...11),
            Country(code: "HK", callingCode: "852", trunkPrefix: nil, nationalLengths: 8...8),
            Country(code: "MO", callingCode: "853", trunkPrefix: nil, nationalLengths: 8...8),
            Country(code: "TW", callingCode: "886", trunkPrefix: "0", nationalLengths: 8...9),
            Country(code: "SG", callingCode: "65", trunkPrefix: nil, nationalLengths: 8...8),
            Country(code: "MY", callingCode: "60", trunkPrefix: "0", nationalLengths: 8...10),
            Country(code: "JP", callingCode: "81", trunkPrefix: "0", nationalLengths: 9...10),
            Country(code: "KR", callingCode: "82", trunkPrefix: "0", nationalLengths: 8...10),
            Country(code: "US", callingCode: "1", trunkPrefix: "1", nationalLengths: 10...10),
            Country(code: "CA", callingCode: "1", trunkPrefix: "1", nationalLengths: 10...10),
            Country(code: "GB", callingCode: "44", trunkPrefix: "0", nationalLengths: 9...10),
            Country(code: "DE", callingCode: "49", trunkPrefix: "0", nationalLengths: 6...13),
            Country(code: "FR", callingCode: "33", trunkPrefix: "0", nationalLengths: 9...9),
            Country(code: "AU", callingCode: "61", trunkPrefix: "0", nationalLengths: 9...9),
            Country(code: "IN", callingCode: "91", trunkPrefix: "0", nationalLengths: 10...10),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.code, $0) })
    }()

    public let country: Country

    /// - Returns: nil when `defaultCountry` (ISO 3166 alpha-2) is not supported.
    public init?(defaultCountry: String) {
        guard let c = Self.countries[defaultCountry.uppercased()] else { return nil }
        country = c
    }

    /// The E.164 form of `raw`, or nil when it is not a dialable number.
    public func e164(_ raw: String) -> String? {
        var digits: [UInt8] = []
        var plus = false
        var seenDigit = false
        for b in raw.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(b)
                seenDigit = true
            case UInt8(ascii: "+") where !seenDigit:
                plus = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "/"), 0x09:
                continue
            case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "e"):
                // Extension or pause: the number proper ends here.
                if seenDigit { return finish(digits, plus: plus) }
                return nil
            default:
                return nil
            }
        }
        return finish(digits, plus: plus)
    }

    private func finish(_ d: [UInt8], plus: Bool) -> String? {
        var digits = String(decoding: d, as: UTF8.self)
        if plus { return international(digits) }
        if digits.hasPrefix("00") { return international(String(digits.dropFirst(2))) }
        if country.callingCode == "1", digits.hasPrefix("011") { return international(String(digits.dropFirst(3))) }
        // The calling code written without '+' (8613812345678): longer than any national number.
        if digits.hasPrefix(country.callingCode),
           country.nationalLengths.contains(digits.count - country.callingCode.count),
           digits.count > country.nationalLengths.upperBound {
            return international(digits)
        }
        // In every supported country a national significant number never starts with
        // the trunk prefix (CN numbers never start with 0, NANP area codes never with 1),
        // so a leading trunk prefix is always the prefix.
        if let trunk = country.trunkPrefix, digits.hasPrefix(trunk) {
            digits.removeFirst(trunk.count)
        }
        guard country.nationalLengths.contains(digits.count), digits.first != "0" else { return nil }
        return "+" + country.callingCode + digits
    }

    private func international(_ digits: String) -> String? {
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        return "+" + digits
    }
}
