/// Small text operations on UTF-8 bytes. Foundation's `trimmingCharacters`
/// and `replacingOccurrences` go through UTF-16 and showed in profiles as a
/// third of the time spent on each message.
extension String {
    /// Without leading and trailing ASCII white space (space, tab, CR, LF).
    var asciiTrimmed: String {
        let u = utf8
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let start = u.firstIndex(where: { !space($0) }), let last = u.lastIndex(where: { !space($0) }) else { return "" }
        return String(decoding: u[start...last], as: UTF8.self)
    }

    /// CRLF and lone CR line ends as LF.
    var withLFLineEnds: String {
        guard utf8.contains(0x0D) else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var previousCR = false
        for b in utf8 {
            if b == 0x0D { out.append(0x0A); previousCR = true; continue }
            if b == 0x0A, previousCR { previousCR = false; continue }
            previousCR = false
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Substring {
    /// Without leading and trailing ASCII white space (space, tab, CR, LF).
    var asciiTrimmed: String { String(self).asciiTrimmed }
}
