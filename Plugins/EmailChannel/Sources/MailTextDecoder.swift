import ChannelSupport
import GatewayCore

/// Mail-specific text helpers; decoding by label is `LabelledTextDecoder`'s
/// (shared with the other channels).
public enum MailTextDecoder {
    /// A charset declared inside an HTML body (`<meta charset="gbk">` or the
    /// http-equiv form), for HTML parts whose Content-Type names none.
    public static func htmlMetaCharset(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(2048), as: UTF8.self).lowercased()
        guard let range = head.range(of: "charset=") else { return nil }
        let rest = head[range.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
        let label = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return label.isEmpty ? nil : String(label)
    }
}
