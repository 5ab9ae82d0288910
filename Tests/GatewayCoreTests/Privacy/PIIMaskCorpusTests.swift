import Foundation
import Testing
@testable import GatewayCore
import GatewayTestSupport

/// Every phone number of a generated corpus (libphonenumber's formats for
/// CN, HK, MO, TW, SG, US, CA and GB: `scripts/gen-phone-corpus.py`), in every
/// presentation people type, is masked; dates, times and amounts around it
/// stay as written.
@Suite("Personal data masking: generated corpus")
struct PIIMaskCorpusTests {
    struct Number {
        var region, type, format, text, national: String
    }

    static let numbers: [Number] = {
        let url = RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/privacy/phone-numbers.tsv")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let f = line.split(separator: "\t").map(String.init)
            return f.count == 5 ? Number(region: f[0], type: f[1], format: f[2], text: f[3], national: f[4]) : nil
        }
    }()

    /// The ways the same number is written: as formatted; full width
    /// (`１３９`, `＋`, `（`); groups joined by dots, by spaced dashes, by
    /// no-break or ideographic spaces; after a date, a time, inside Chinese text.
    static let presentations: [(name: String, prefix: String, make: @Sendable (String) -> String, suffix: String)] = [
        ("as formatted", "请回电 ", { $0 }, " 谢谢"),
        ("full width", "电话：", fullWidth, "。"),
        ("dots", "tel. ", { $0.replacingOccurrences(of: " ", with: ".").replacingOccurrences(of: "-", with: ".") }, ""),
        ("spaced dashes", "call ", { $0.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: " ", with: " - ") }, " now"),
        ("no-break spaces", "号码", { $0.replacingOccurrences(of: " ", with: "\u{00A0}") }, ""),
        ("ideographic spaces", "号码", { $0.replacingOccurrences(of: " ", with: "\u{3000}") }, ""),
        ("en dashes", "", { $0.replacingOccurrences(of: " ", with: "\u{2013}") }, ""),
        ("after a date", "2026-11-26 ", { $0 }, ""),
        ("after a time", "昨天 9:30 ", { $0 }, " 打过"),
        ("after a date and time", "2026/11/26 13:45 ", { $0 }, ""),
        ("joined to Chinese", "停电了", { $0.replacingOccurrences(of: " ", with: "") }, "请联系"),
    ]

    static func fullWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (0x21...0x7E).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0xFEE0)! : scalar
        }))
    }

    @Test("the corpus is there and covers every region and format")
    func corpus() {
        #expect(Self.numbers.count >= 1000)
        #expect(Set(Self.numbers.map(\.region)) == ["CN", "HK", "MO", "TW", "SG", "US", "CA", "GB"])
        #expect(Set(Self.numbers.map(\.format)) == ["e164", "international", "national", "rfc3966"])
    }

    @Test("every number, every presentation: at most its last two digits are shown; the text around it stays")
    func everyNumberMasked() {
        let scrubber = PersonalTextScrubber()
        var failures: [String] = []
        for number in Self.numbers {
            for presentation in Self.presentations {
                let written = presentation.make(number.text)
                let input = presentation.prefix + written + presentation.suffix
                let output = scrubber.scrub(input)
                guard output.hasPrefix(presentation.prefix), output.hasSuffix(presentation.suffix),
                      output.count >= presentation.prefix.count + presentation.suffix.count else {
                    failures.append("\(presentation.name): context changed: \(input) → \(output)")
                    continue
                }
                let middle = output.dropFirst(presentation.prefix.count).dropLast(presentation.suffix.count)
                let shown = middle.compactMap { TextFolding.fold($0).wholeNumberValue }
                if shown.count > 2 { failures.append("\(number.region) \(number.type) \(number.format), \(presentation.name): \(input) → \(output)") }
            }
        }
        #expect(failures.count == 0, "\(failures.count) of \(Self.numbers.count * Self.presentations.count) not masked, e.g.:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test("what a complaint is about stays readable: dates, times, amounts, counts", arguments: [
        "2026-11-26", "2026/11/26 09:30:00", "26.11.2026", "2026年11月26日 9:30", "11/26/2026", "2026-1-5",
        "¥1,280.50", "扣费 39.90 元", "3 次", "第 2 次停电", "12:00-18:00", "2026-11-26 10:30 到 2026-11-27 08:00",
        "订单 4521", "版本 2.3.1", "温度 38.5 度", "１２月１日", "from 2026-11-01 to 2026-11-30",
    ])
    func contextStays(_ text: String) {
        #expect(PersonalTextScrubber().scrub(text) == text)
    }

    @Test("addresses with a full-width ＠ or full-width letters are masked", arguments: [
        ("li.lei＠example.cn", "l***＠example.cn"),
        ("ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ", "ｌ***＠ｅｘａｍｐｌｅ．ｃｎ"),
        ("邮箱：wang_fang@mail.example.com.cn。", "邮箱：w***@mail.example.com.cn。"),
    ])
    func fullWidthEmail(_ input: String, _ expected: String) {
        #expect(PersonalTextScrubber().scrub(input) == expected)
    }

    @Test("the customer's own values are found in full width too")
    func knownFullWidth() {
        #expect(PersonalTextScrubber(known: ["fang_w"]).scrub("ｆａｎｇ＿ｗ 投诉") == "*** 投诉")
    }
}
