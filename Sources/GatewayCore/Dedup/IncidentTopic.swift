import Crypto
import Foundation

/// What an outage report is about, as people report one: a service that is
/// down (power, water, gas, network, signal) at a named place (`幸福小区`,
/// `阳光花园`, `riverside gardens`).
///
/// Crowd reports of one outage are short and each in its own words ("幸福小区
/// 停电了，请尽快处理", "我们幸福小区又停电了，麻烦快点"), too far apart as
/// text (character 3-gram similarity 0.2-0.4) to meet the cluster threshold.
/// Reports with the same topic within the cluster window, whose event facts
/// (times, reference numbers) agree, join one cluster whatever their wording;
/// the topic travels as one more LSH key, so finding them costs one more
/// bucket probe. Without both a service and a place there is no topic: "停电了"
/// alone says nothing about where.
public enum IncidentTopic {
    /// Words that say a service is down, by service.
    static let services: [(String, WordFinder)] = [
        ("power", WordFinder(["停电", "断电", "没电", "没有电", "来电", "跳闸", "供电", "power outage", "power cut", "no power", "blackout", "no electricity"], wholeWords: false)),
        ("water", WordFinder(["停水", "断水", "没水", "没有水", "水压", "供水", "no water", "water outage", "water cut"], wholeWords: false)),
        ("gas", WordFinder(["停气", "没气", "燃气中断", "no gas", "gas outage"], wholeWords: false)),
        ("network", WordFinder(["断网", "没网", "网断", "宽带断", "上不了网", "无法上网", "网络中断", "no internet", "internet down", "internet outage",
                     "broadband down"], wholeWords: false)),
        ("signal", WordFinder(["没信号", "没有信号", "信号中断", "无信号", "no signal", "no service", "mobile outage"], wholeWords: false)),
    ]

    /// Endings of Chinese place names, and English ones.
    static let placeEndings = ["小区", "花园", "新村", "公寓", "家园", "名苑", "苑", "花苑", "新城", "城", "里", "村", "镇", "大厦", "广场", "街道", "社区"]
    static let englishPlaceEndings = ["gardens", "garden", "estate", "court", "village", "towers", "tower", "apartments", "residences",
                                      "park", "heights", "road", "street", "avenue"]

    /// `service:place` of a normalized text (`DedupText.normalize`), nil without both.
    public static func of(_ normalized: String) -> String? {
        guard let service = services.first(where: { $0.1.occursAny(in: normalized) })?.0,
              let place = place(in: normalized) else { return nil }
        return service + ":" + place
    }

    /// The first place named: up to four Han characters before a Chinese
    /// ending, or up to two words before an English one.
    static func place(in text: String) -> String? {
        let chars = Array(text)
        var best: (start: Int, name: String)? = nil
        for ending in placeEndings.map(Array.init) {
            var i = 0
            while i + ending.count <= chars.count {
                defer { i += 1 }
                guard chars[i..<(i + ending.count)].elementsEqual(ending) else { continue }
                var s = i
                while s > 0, i - s < 4, isHan(chars[s - 1]) { s -= 1 }
                guard i - s >= 2 else { continue }
                if best == nil || s < best!.start { best = (s, String(chars[s..<(i + ending.count)])) }
                break
            }
        }
        if let best { return best.name }
        let words = text.split(separator: " ").map(String.init)
        for (n, word) in words.enumerated() where n > 0 && englishPlaceEndings.contains(word) {
            let name = words[max(0, n - 2)..<n].filter { $0.first?.isLetter == true && !stopWords.contains($0) }
            if !name.isEmpty { return (name + [word]).joined(separator: " ") }
        }
        return nil
    }

    static let stopWords: Set<String> = ["the", "in", "at", "on", "our", "my", "of", "near", "whole", "entire", "all"]

    static func isHan(_ c: Character) -> Bool {
        guard let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return false }
        // Han, without the characters that start a clause rather than a name.
        return (0x4E00...0x9FFF).contains(scalar.value) && !"的在我们家这那是了又也都请".contains(c)
    }

    /// The topic as a fact (`~power:幸福小区`) and as an LSH key.
    static func fact(_ topic: String) -> String { "~" + topic }

    static func bandKey(_ topic: String) -> Int64 {
        let digest = SHA256.hash(data: Array(("incident-topic\u{0}" + topic).utf8))
        return digest.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
    }
}
