/// Base64 as mail has it: lines of any length, CRLF or LF, stray characters
/// and missing padding. Characters outside the alphabet are skipped; decoding
/// stops at the first `=`; a trailing lone 6 bits are dropped.
enum Base64Lenient {
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        // The URL-safe alphabet turns up in mail written by web applications.
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    static func decode(_ input: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3 + 3)
        var acc: UInt32 = 0
        var n = 0
        table.withUnsafeBufferPointer { t in
            for c in input {
                if c == UInt8(ascii: "=") { break }
                let v = t[Int(c)]
                if v == 0xFF { continue }
                acc = acc << 6 | UInt32(v)
                n += 1
                if n == 4 {
                    out.append(UInt8(truncatingIfNeeded: acc >> 16))
                    out.append(UInt8(truncatingIfNeeded: acc >> 8))
                    out.append(UInt8(truncatingIfNeeded: acc))
                    acc = 0
                    n = 0
                }
            }
        }
        if n == 2 {
            out.append(UInt8(truncatingIfNeeded: acc >> 4))
        } else if n == 3 {
            out.append(UInt8(truncatingIfNeeded: acc >> 10))
            out.append(UInt8(truncatingIfNeeded: acc >> 2))
        }
        return out
    }
}

/// `x-uuencode` bodies (old mailers, the MIME-tools test messages): a
/// `begin MODE NAME` line, lines whose first character gives their length,
/// and `end`. Nil when there is no `begin` line.
enum UUDecoder {
    static func decode(_ input: some Collection<UInt8>) -> [UInt8]? {
        let lines = Array(input).split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.starts(with: Array("begin ".utf8)) }) else { return nil }
        var out: [UInt8] = []
        for raw in lines[(start + 1)...] {
            var line = Array(raw)
            if line.last == 0x0D { line.removeLast() }
            if line.starts(with: Array("end".utf8)) { break }
            guard let first = line.first else { continue }
            let count = Int((first &- 0x20) & 0x3F)
            if count == 0 { continue }
            var chars = line.dropFirst().map { ($0 &- 0x20) & 0x3F }
            while chars.count % 4 != 0 { chars.append(0) }
            var produced: [UInt8] = []
            var i = chars.startIndex
            while i < chars.endIndex {
                let a = chars[i], b = chars[i + 1], c = chars[i + 2], d = chars[i + 3]
                produced.append(a << 2 | b >> 4)
                produced.append(b << 4 | c >> 2)
                produced.append(c << 6 | d)
                i += 4
            }
            out.append(contentsOf: produced.prefix(count))
        }
        return out
    }
}
