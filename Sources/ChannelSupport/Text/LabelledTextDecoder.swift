import GatewayCore
/// Turns labelled bytes (a mail part or header word, a form field, a feed)
/// into text, trusting the charset label as far as the bytes allow.
///
/// In order:
/// 1. the label, when the bytes decode in it cleanly and read at least as
///    plausibly (`TextPlausibility`) as their UTF-8 reading: labels that lie
///    are common (UTF-8 sent as "gb2312"), but so are short GB2312 words whose
///    bytes happen to be valid UTF-8. GB2312 labels are read as GB18030, since
///    real GB2312 mail carries GBK-only characters;
/// 2. UTF-8, when the bytes are valid UTF-8 and read plausibly;
/// 3. the most plausible of the channel's default charset, GB18030, Big5 and
///    Windows-1252 (Latin-1), the default winning ties.
/// Every fallback leaves a warning; nothing fails. Stateful 7-bit charsets
/// (ISO-2022-JP, HZ) are always decoded through iconv: their escape
/// sequences look like ASCII and are not.
public enum LabelledTextDecoder {
    public static func decode(_ bytes: [UInt8], label: String?, fallback: Charset, what: String,
                              warnings: inout [String]) -> String {
        let ascii = !bytes.contains { $0 >= 0x80 }
        let charset = label.flatMap(Charset.init(label:))
        if ascii, charset.map({ $0.isASCIICompatible }) ?? true {
            return String(decoding: bytes, as: UTF8.self)
        }
        let utf8 = charset?.isASCIICompatible == false ? nil : String(validating: bytes, as: UTF8.self)
        if let charset {
            if charset.isUTF8, let utf8 { return utf8 }
            if !charset.isUTF8, let labelled = try? IconvConverter.decode(bytes, charset: charset), labelled.replacements == 0 {
                if let utf8, TextPlausibility.penalty(utf8) < TextPlausibility.penalty(labelled.text, han: CommonHan(charset: charset)) {
                    warnings.append("\(what) labelled \"\(label!)\" is UTF-8; read as UTF-8")
                    return utf8
                }
                return labelled.text
            }
        }
        let why = label.map { "charset \"\($0)\" \(charset == nil ? "is unknown" : "does not fit the bytes")" } ?? "has no charset"
        let guess = mostPlausible(bytes, utf8: utf8, fallback: fallback)
        if guess.charset.isUTF8 {
            if label != nil { warnings.append("\(what) \(why); read as UTF-8") }
            return guess.text
        }
        warnings.append("\(what) \(why); read as \(guess.charset)"
                        + (guess.replacements > 0 ? " with \(guess.replacements) undecodable byte\(guess.replacements == 1 ? "" : "s") replaced" : ""))
        return guess.text
    }

    /// The charsets tried for bytes with no usable label, after UTF-8 and the
    /// channel's default: the Chinese ones and Latin-1 as Windows writes it.
    static let candidates = ["gb18030", "big5", "windows-1252"].compactMap(Charset.init(label:))

    /// Readings are compared on a prefix: a long body is decoded once more in
    /// the winner, not four times.
    static let sample = 4096

    static func mostPlausible(_ bytes: [UInt8], utf8: String?, fallback: Charset) -> (charset: Charset, text: String, replacements: Int) {
        if let utf8, TextPlausibility.penalty(utf8) == 0 { return (.utf8, utf8, 0) }
        var order = [fallback] + candidates.filter { $0.iconvName != fallback.iconvName }
        if utf8 != nil { order.insert(.utf8, at: 0) }
        let prefix = bytes.count > sample ? Array(bytes.prefix(sample)) : bytes
        var best: (charset: Charset, penalty: Int)? = nil
        for charset in order where !charset.isUTF8 || utf8 != nil {
            guard let reading = try? IconvConverter.decode(prefix, charset: charset) else { continue }
            // An undecodable byte is worse than any oddity of a clean reading;
            // the final byte of a cut prefix may be half a character.
            let cut = prefix.count < bytes.count ? 1 : 0
            let penalty = TextPlausibility.penalty(reading.text, han: CommonHan(charset: charset)) + max(0, reading.replacements - cut) * 8
            if best == nil || penalty < best!.penalty { best = (charset, penalty) }
        }
        let winner = best?.charset ?? fallback
        if winner.isUTF8, let utf8 { return (.utf8, utf8, 0) }
        let decoded = (try? IconvConverter.decode(bytes, charset: winner)) ?? (text: String(decoding: bytes, as: UTF8.self), replacements: 1)
        return (winner, decoded.text, decoded.replacements)
    }
}
