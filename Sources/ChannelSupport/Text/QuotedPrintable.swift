import GatewayCore
/// Quoted-printable content transfer encoding (RFC 2045 §6.7), decoding only.
public enum QuotedPrintable {
    /// Decodes quoted-printable bytes leniently, as mail readers do: soft line
    /// breaks (`=` at the end of a line, CRLF or LF) vanish, `=XX` becomes the
    /// byte, and a malformed escape is kept as written rather than failing.
    /// Trailing spaces before a line break are dropped (they are transport
    /// padding by the RFC).
    public static func decode(_ input: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(input)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var pendingSpace = 0  // spaces/tabs not yet known to be before a line break
        func flushSpace(upTo index: Int) {
            if pendingSpace > 0 { out += bytes[(index - pendingSpace)..<index]; pendingSpace = 0 }
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x20, 0x09:
                pendingSpace += 1
                i += 1
            case 0x0D, 0x0A:
                pendingSpace = 0
                out.append(b)
                i += 1
            case UInt8(ascii: "="):
                flushSpace(upTo: i)
                // Soft line break, allowing spaces between '=' and the line end.
                var j = i + 1
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                if j == bytes.count {
                    i = j
                } else if bytes[j] == 0x0D, j + 1 < bytes.count, bytes[j + 1] == 0x0A {
                    i = j + 2
                } else if bytes[j] == 0x0A || bytes[j] == 0x0D {
                    i = j + 1
                } else if i + 2 < bytes.count, let v = HeaderParameters.hexPair(bytes[i + 1], bytes[i + 2]) {
                    out.append(v)
                    i += 3
                } else {
                    out.append(b)
                    i += 1
                }
            default:
                flushSpace(upTo: i)
                out.append(b)
                i += 1
            }
        }
        flushSpace(upTo: bytes.count)
        return out
    }
}
