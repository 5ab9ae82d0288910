/// A cheap script-based language guess for `Complaint.language`.
///
/// The gateway's traffic is Chinese and English; telling them apart needs no
/// model: Han characters mean `zh`, kana `ja`, Hangul `ko`, and Latin letters
/// alone `en`. Mixed text goes to the script that carries most letters (kana
/// wins over Han since Japanese mixes both). Too little text gives nil.
public enum LanguageGuesser {
    public static func guess(_ text: String) -> String? {
        var han = 0, kana = 0, hangul = 0, latin = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A: latin += 1
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0xF900...0xFAFF: han += 1
            case 0x3040...0x30FF: kana += 1
            case 0xAC00...0xD7AF, 0x1100...0x11FF: hangul += 1
            default: continue
            }
        }
        if kana >= 2 { return "ja" }
        if hangul >= 2 && hangul >= han { return "ko" }
        // A Han character carries about as much as a short Latin word.
        if han >= 2 && han * 4 >= latin { return "zh" }
        if latin >= 3 { return "en" }
        return han > 0 ? "zh" : nil
    }
}
