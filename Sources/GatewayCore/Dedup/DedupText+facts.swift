import Foundation

/// The numbers of a text, split by what they say.
///
/// Two complaints from one template differ in their numbers, and whether
/// they are about one thing depends on which numbers: a different order
/// number, amount, date or outage start time is another matter, but a
/// different building, room, meter or account only says where the customer
/// is. So each number is either an **event fact** (kept as written, `14`,
/// `20261102`) or a **location** (`@3号楼`, `@building 3`, `@meter 12345678`):
/// near-duplicates of one customer must agree on both; an incident cluster
/// only on the event facts, and keeps the locations as its breakdown.
extension DedupText {
    /// The numbers of a normalized text, in order: event facts as digits,
    /// locations as `@` and the number with its word.
    public static func facts(_ normalized: String) -> [String] {
        let chars = Array(normalized)
        var facts: [String] = []
        var i = 0
        while i < chars.count {
            guard chars[i].isASCII, chars[i].isNumber else { i += 1; continue }
            var end = i
            while end < chars.count, chars[end].isASCII, chars[end].isNumber { end += 1 }
            let number = String(chars[i..<end])
            if let after = locationWordAfter(chars, end) {
                facts.append("@" + number + after)
            } else if let before = locationWordBefore(chars, i) {
                facts.append("@" + before + " " + number)
            } else {
                facts.append(number)
            }
            i = end
        }
        return facts
    }

    /// Whether a fact is a location (`@…`) or the incident topic (`~…`,
    /// `IncidentTopic`), which do not tell two incidents apart.
    public static func isEventFact(_ fact: String) -> Bool {
        !(fact.hasPrefix("@") || fact.hasPrefix("~"))
    }

    /// Words after a number that make it a place: `3号楼`, `5栋`, `2单元`, `1203室`.
    static let locationSuffixes = ["号楼", "号院", "号房", "号铺", "号门", "栋", "幢", "座", "单元", "室", "楼", "层", "户", "区", "期"].map(Array.init)

    /// Words before a number that make it a place or the customer's own number.
    static let locationPrefixes = [
        "building", "bldg", "block", "blk", "flat", "apt", "apartment", "unit", "room", "rm", "floor", "house", "tower", "meter",
        "account", "acct", "房间", "房号", "门牌", "电表", "表号", "户号", "账号", "帐号", "卡号", "客户号", "用户号",
    ].map(Array.init)

    static func locationWordAfter(_ chars: [Character], _ end: Int) -> String? {
        var j = end
        if j < chars.count, chars[j] == " " { j += 1 }
        for word in locationSuffixes where j + word.count <= chars.count && chars[j..<(j + word.count)].elementsEqual(word) {
            // "3楼" is a floor, "3楼的" too; "3层楼高" still a place. A date's "号" alone is not.
            return String(word)
        }
        return nil
    }

    static func locationWordBefore(_ chars: [Character], _ start: Int) -> String? {
        var j = start
        if j > 0, chars[j - 1] == " " { j -= 1 }
        for word in locationPrefixes where j - word.count >= 0 && chars[(j - word.count)..<j].elementsEqual(word) {
            let wordStart = j - word.count
            // An English word only as a whole word ("in room 3", not "broom 3").
            if word[0].isASCII, wordStart > 0, chars[wordStart - 1].isLetter { continue }
            return String(word)
        }
        return nil
    }
}
