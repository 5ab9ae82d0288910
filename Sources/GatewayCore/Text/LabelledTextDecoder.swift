/// Turns labelled bytes (a mail part, a form field, a feed) into text,
/// trusting the charset label only as far as the bytes allow.
///
/// In order: the label when it decodes the bytes cleanly (GB2312 labels are
/// read as GB18030, since real GB2312 mail carries GBK-only characters);
/// UTF-8 when the bytes are valid UTF-8 (labels that lie are common); the
/// channel's default charset. Every fallback leaves a warning; nothing fails.
/// Stateful 7-bit charsets (ISO-2022-JP, HZ) are always decoded through
/// iconv: their escape sequences look like ASCII and are not.
public enum LabelledTextDecoder {
    public static func decode(_ bytes: [UInt8], label: String?, fallback: Charset, what: String,
                              warnings: inout [String]) -> String {
        let ascii = !bytes.contains { $0 >= 0x80 }
        if ascii, label.flatMap(Charset.init(label:)).map({ $0.isASCIICompatible }) ?? true {
            return String(decoding: bytes, as: UTF8.self)
        }
        let charset = label.flatMap(Charset.init(label:))
        if let charset {
            if charset.isUTF8, let text = String(validating: bytes, as: UTF8.self) { return text }
            if !charset.isUTF8, charset.isASCIICompatible, let text = String(validating: bytes, as: UTF8.self) {
                // Non-ASCII bytes that form valid UTF-8 are almost never valid text in
                // the labelled charset by accident; a mislabelled UTF-8 body is common.
                warnings.append("\(what) labelled \"\(label!)\" is UTF-8; read as UTF-8")
                return text
            }
            if let decoded = try? IconvConverter.decode(bytes, charset: charset), decoded.replacements == 0 {
                return decoded.text
            }
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            if let label { warnings.append("\(what) charset \"\(label)\" \(charset == nil ? "is unknown" : "does not fit the bytes"); read as UTF-8") }
            return text
        }
        let decoded = (try? IconvConverter.decode(bytes, charset: fallback)) ?? (String(decoding: bytes, as: UTF8.self), 1)
        let why = label.map { "charset \"\($0)\" \(charset == nil ? "is unknown" : "does not fit the bytes")" } ?? "has no charset"
        warnings.append("\(what) \(why); read as \(fallback)" + (decoded.1 > 0 ? " with \(decoded.1) undecodable byte\(decoded.1 == 1 ? "" : "s") replaced" : ""))
        return decoded.0
    }
}
