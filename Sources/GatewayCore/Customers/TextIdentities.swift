import Foundation

/// Identities a customer writes in a text: mobile numbers however they are
/// spelled (`138-0013-8000`, `+86 138 0013 8000`, `(0086)13800138000`,
/// full-width digits), account and card numbers after the words that
/// introduce them (`账号 6222 0212 3456 7890`, `account no. 12345678`), and
/// the organisation's customer numbers (`[identity] customer_id_pattern`).
///
/// A number the text gives as someone else's ("my colleague's number",
/// "请联系我同事") is not the customer's and is skipped; so is a tail such as
/// `尾号 7890`, which one in ten thousand customers share. Landlines are
/// found but never link (`IdentityRules`).
enum TextIdentities {
    /// Keys taken from one complaint's texts at most: a message listing many
    /// numbers is about them, not from them.
    static let maximumPerComplaint = 3

    static func keys(in text: String, customerIDs: CustomerIDPattern?) -> [String] {
        let original = Array(text.prefix(20_000))
        let folded = TextFolding.fold(original)
        var keys: [String] = []
        var i = 0
        while i < folded.count {
            guard folded[i].isASCII, folded[i].isNumber, i == 0 || !(folded[i - 1].isASCII && folded[i - 1].isLetter) else {
                i += 1
                continue
            }
            let run = digitRun(folded, from: i)
            defer { i = max(run.end, i + 1) }
            guard !attributedToSomeoneElse(folded, before: run.start) else { continue }
            if let mobile = mobile(run.digits, plus: run.plus) {
                keys.append("phone:" + mobile)
            } else if (8...19).contains(run.digits.count), introducesAccount(folded, before: run.start) {
                keys.append("account:" + String(run.digits))
            }
        }
        if let customerIDs {
            for id in customerIDs.matches(in: String(folded)) where !keys.contains("account:" + id) {
                keys.append("account:" + id)
            }
        }
        return keys
    }

    struct Run {
        var start: Int
        var end: Int
        var digits: [Character]
        var plus: Bool
    }

    /// Digits from `start` with the separators people put between groups
    /// (one or two of space, `-`, `.`, `(`, `)` at a time), and whether a `+`
    /// or an opening `(+` came just before.
    static func digitRun(_ f: [Character], from start: Int) -> Run {
        var digits: [Character] = []
        var i = start, end = start
        while i < f.count {
            if f[i].isASCII, f[i].isNumber {
                digits.append(f[i])
                i += 1
                end = i
                continue
            }
            var j = i, separators = 0
            while j < f.count, separators < 2, " -.()".contains(f[j]) { j += 1; separators += 1 }
            guard j > i, j < f.count, f[j].isASCII, f[j].isNumber, digits.count < 20 else { break }
            i = j
        }
        var p = start - 1
        while p >= 0, f[p] == "(" || f[p] == " " { p -= 1 }
        let plus = p >= 0 && f[p] == "+"
        // A letter right after the digits makes them part of a code (an order "A123…B").
        if end < f.count, f[end].isASCII, f[end].isLetter { return Run(start: start, end: end, digits: [], plus: plus) }
        return Run(start: start, end: end, digits: digits, plus: plus)
    }

    /// `+86`/`0086`/`86` and a Chinese mobile, or a Chinese mobile alone, in E.164.
    static func mobile(_ digits: [Character], plus: Bool) -> String? {
        var d = digits[...]
        if d.starts(with: ["0", "0", "8", "6"]) { d = d.dropFirst(4) }
        else if d.count == 13, d.starts(with: ["8", "6"]) { d = d.dropFirst(2) }
        else if plus { return nil }  // another country's number: too easily misread here
        guard d.count == 11, d.first == "1", "3456789".contains(d[d.startIndex + 1]) else { return nil }
        return "+86" + String(d)
    }

    /// Words after which a number is someone else's, looked for in the
    /// clause before it.
    static let thirdParty = [
        "同事", "朋友", "家人", "亲戚", "邻居", "老公", "老婆", "丈夫", "妻子", "爱人", "儿子", "女儿", "父亲", "母亲", "爸爸", "妈妈",
        "哥哥", "姐姐", "弟弟", "妹妹", "他的", "她的", "他电话", "她电话", "别人", "对方", "经理", "客服", "师傅", "快递员", "维修员", "工作人员",
        "colleague", "coworker", "co-worker", "friend", "wife", "husband", "son's", "daughter", "mother", "father", "mom's", "dad's",
        "brother", "sister", "neighbour", "neighbor", "his ", "her ", "their ", "someone", "manager", "agent", "engineer",
        "technician", "courier", "on behalf",
    ].map(Array.init)

    /// The clause before a number: back to the previous sentence or clause
    /// mark, at most 24 characters.
    static func clause(_ f: [Character], before start: Int) -> [Character] {
        var s = start
        while s > 0, start - s < 24, !"，,；;。.!！?？\n".contains(f[s - 1]) || (s >= 2 && f[s - 1] == "." && f[s - 2].isNumber) {
            s -= 1
        }
        return f[s..<start].map { Character($0.lowercased()) }
    }

    static func attributedToSomeoneElse(_ f: [Character], before start: Int) -> Bool {
        let before = clause(f, before: start)
        if thirdParty.contains(where: { contains(before, $0) }) { return true }
        // "请联系我同事王芳，电话 139…": a clause that only labels the number
        // belongs to the one before it.
        let mark = start - before.count - 1
        guard mark > 0, isLabel(before) else { return false }
        let previous = clause(f, before: mark)
        return thirdParty.contains { contains(previous, $0) }
    }

    static let labels = ["联系电话", "联系方式", "手机号码", "手机号", "手机", "电话", "号码", "是", "为", "mobile", "phone", "tel",
                         "number", "call", "at", "on", "no"]

    /// Whether a clause is only a label for the number after it (`电话：`, `tel.`, `at`).
    static func isLabel(_ clause: [Character]) -> Bool {
        var rest = String(clause)
        for label in labels { rest = rest.replacingOccurrences(of: label, with: "") }
        return rest.allSatisfy { $0.isWhitespace || $0.isPunctuation || $0.isSymbol }
    }

    static let accountWords = [
        "账号", "帐号", "账户", "帐户", "卡号", "户号", "客户号", "客户编号", "用户号", "用户编号", "会员号", "合同号",
        "account no", "account number", "account #", "acct", "a/c", "card no", "card number", "customer no", "customer number",
        "customer id", "member no",
    ].map(Array.init)

    static func introducesAccount(_ f: [Character], before start: Int) -> Bool {
        let lower = f[max(0, start - 18)..<start].map { Character($0.lowercased()) }
        // The word, then at most a few characters (`：`, `是`, `为`, `. `) before the digits.
        return accountWords.contains { word in
            guard let at = lastIndex(of: word, in: lower) else { return false }
            return lower.count - (at + word.count) <= 4
        }
    }

    /// Whether `word` is in `text`; an English word only as a word ("his "
    /// is not in "this ").
    static func contains(_ text: [Character], _ word: [Character]) -> Bool {
        guard let first = word.first, first.isASCII, first.isLetter else { return lastIndex(of: word, in: text) != nil }
        guard word.count <= text.count else { return false }
        for start in 0...(text.count - word.count) where text[start..<(start + word.count)].elementsEqual(word) {
            if start == 0 || !(text[start - 1].isASCII && text[start - 1].isLetter) { return true }
        }
        return false
    }

    static func lastIndex(of word: [Character], in text: [Character]) -> Int? {
        guard word.count <= text.count else { return nil }
        for start in stride(from: text.count - word.count, through: 0, by: -1) where text[start..<(start + word.count)].elementsEqual(word) {
            return start
        }
        return nil
    }
}

/// The organisation's customer-number format (`[identity] customer_id_pattern`).
struct CustomerIDPattern: @unchecked Sendable {
    // NSRegularExpression is immutable once made and documented as safe to
    // use from several threads at once; it is not marked Sendable on Linux.
    let regex: NSRegularExpression

    init?(_ pattern: String) {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.regex = regex
    }

    func matches(in text: String) -> [String] {
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).prefix(TextIdentities.maximumPerComplaint).compactMap { match in
            Range(match.range, in: text).map { String(text[$0]) }
        }.filter { !$0.isEmpty }
    }
}
