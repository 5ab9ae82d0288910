/// Phone numbers of the regions the gateway's customers call from, after
/// libphonenumber's metadata (country code, trunk prefix, the lengths and
/// leading digits of national significant numbers): CN, HK, MO, TW, SG, US/CA
/// (NANP) and GB.
///
/// `PersonalTextScrubber` masks every run of 8 or more digits whatever it is
/// (an order or account number hides like a phone); these rules add what is
/// shorter but still dials: a 7-digit NANP local number (`555-0123`), a
/// Chinese fixed line without its area code (`8765 4321` is 8 already,
/// `876-5432` 7), Macau's 6-digit toll-free numbers (`800501`), in the
/// groupings people write them.
enum PhoneNumberRules {
    struct Region {
        var code: String
        var countryCode: String
        /// Lengths of the national significant number.
        var lengths: ClosedRange<Int>
    }

    static let regions: [Region] = [
        Region(code: "CN", countryCode: "86", lengths: 7...12),
        Region(code: "HK", countryCode: "852", lengths: 8...9),
        Region(code: "MO", countryCode: "853", lengths: 8...8),
        Region(code: "TW", countryCode: "886", lengths: 8...10),
        Region(code: "SG", countryCode: "65", lengths: 8...10),
        Region(code: "US", countryCode: "1", lengths: 10...10),
        Region(code: "GB", countryCode: "44", lengths: 9...10),
    ]

    /// Whether digit groups, as written, dial a number: `groups` are the
    /// lengths of the digit runs and `digits` their digits, `international`
    /// whether a `+` or `00` came first.
    static func dials(digits: [Character], groups: [Int], international: Bool) -> Bool {
        if international {
            var national = digits
            if digits.starts(with: ["0", "0"]) { national.removeFirst(2) }
            return regions.contains { region in
                national.starts(with: Array(region.countryCode))
                    && region.lengths.contains(national.count - region.countryCode.count)
            }
        }
        // Macau's toll-free numbers: 800 and three digits, written as one group.
        if digits.count == 6, groups == [6], digits.starts(with: ["8", "0", "0"]) { return true }
        // Local numbers of 7 digits: NANP NXX-XXXX, a Chinese city's fixed line.
        guard digits.count == 7, groups == [3, 4], let first = digits.first else { return false }
        return first != "0" && first != "1"
    }
}
