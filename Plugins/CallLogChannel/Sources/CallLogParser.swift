import Foundation
import ComplaintModel
import GatewayCore

/// Parses one channel's call-log files.
struct CallLogParser: ChannelParser {
    let settings: CallLogSettings

    func open(_ input: RawInput) throws -> any ParseEventReader {
        guard let handle = FileHandle(forReadingAtPath: input.url.path) else {
            throw Rejection(reason: "cannot open \(input.originalName) for reading")
        }
        return try CallLogReader(handle: handle, settings: settings)
    }
}

/// Reads one call-log file: bytes → charset conversion → CSV records →
/// complaint drafts, one chunk at a time.
final class CallLogReader: ParseEventReader {
    private let handle: FileHandle
    private let settings: CallLogSettings
    private var converter: IconvConverter?
    /// Whether the first bytes were looked at for a UTF-16 byte-order mark.
    private var sniffed = false
    private var csv: CSVRecordReader
    private let times: CallTimeParser
    private var layout: CallLogLayout?
    private var finished = false
    private var converted: [UInt8] = []
    private var reportedReplacements = 0
    /// Whether the first record (a header, when the file has one) was seen.
    private var sawFirstRecord = false
    /// With `delimiter = "auto"`: whether the first bytes were looked at.
    private var sniffedDelimiter = false
    private static let chunkSize = 256 * 1024

    init(handle: FileHandle, settings: CallLogSettings) throws {
        self.handle = handle
        self.settings = settings
        converter = settings.charset.isUTF8 ? nil : try IconvConverter(from: settings.charset)
        csv = CSVRecordReader(dialect: settings.dialect, maxRecordBytes: settings.maxRecordBytes)
        times = CallTimeParser(timeZone: settings.timeZone, patterns: settings.timeFormats)
        switch settings.format {
        case .asterisk: layout = settings.accountCodeIsCustomerAccount ? CallLogLayout.asterisk.accountCodeAsCustomerAccount() : .asterisk
        case .asteriskCustom:
            layout = settings.accountCodeIsCustomerAccount ? CallLogLayout.asteriskCustom.accountCodeAsCustomerAccount() : .asteriskCustom
        case .mapped: layout = settings.hasHeader ? nil : Self.positionalLayout(settings.columns)
        }
    }

    deinit {
        try? handle.close()
    }

    func next() throws -> ParseEvent? {
        while true {
            if let event = csv.nextEvent() {
                if let out = try interpret(event) { return out }
                continue
            }
            if finished { return nil }
            try fill()
        }
    }

    private func fill() throws {
        let chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
        if !sniffed {
            sniffed = true
            try sniffUTF16(chunk)
        }
        let last = chunk.isEmpty
        if let converter {
            converted.removeAll(keepingCapacity: true)
            converter.convert(chunk, final: last, into: &converted)
            sniffDelimiter(converted)
            csv.feed(converted)
        } else {
            sniffDelimiter(Array(chunk))
            csv.feed(chunk)
        }
        if last {
            csv.finish()
            finished = true
        }
    }

    /// `delimiter = "auto"`: picks the delimiter from the file's first lines
    /// (after `skip_lines`), before the first byte is read as CSV.
    private func sniffDelimiter(_ head: [UInt8]) {
        guard settings.delimiterIsAuto, !sniffedDelimiter else { return }
        sniffedDelimiter = true
        var dialect = settings.dialect
        dialect.delimiter = CSVDialect.sniffDelimiter(head, quote: dialect.quote, skipLines: dialect.skipLines) ?? dialect.delimiter
        csv = CSVRecordReader(dialect: dialect, maxRecordBytes: settings.maxRecordBytes)
    }

    /// Excel's "Unicode text" export and some call-centre tools write UTF-16: with
    /// a byte-order mark it is read whatever `encoding` says; without one, the
    /// NUL bytes give it away and the file is refused with a message about its
    /// encoding (read as UTF-8 it would be one column of NULs per row).
    private func sniffUTF16(_ chunk: Data) throws {
        let head = Array(chunk.prefix(512))
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            // iconv's "UTF-16" reads the mark, picks the byte order and drops it.
            converter = try IconvConverter(from: Charset(label: "utf-16")!)
            return
        }
        let evenNULs = stride(from: 0, to: head.count, by: 2).filter { head[$0] == 0 }.count
        let oddNULs = stride(from: 1, to: head.count, by: 2).filter { head[$0] == 0 }.count
        if head.count >= 16, max(evenNULs, oddNULs) * 4 >= head.count {
            throw Rejection(reason: "the file looks like UTF-16 without a byte-order mark (every other byte is NUL); "
                + "export it as UTF-8 (\"CSV UTF-8\" in Excel) or as UTF-16 with a byte-order mark")
        }
    }

    private func interpret(_ event: CSVEvent) throws -> ParseEvent? {
        switch event {
        case .malformed(let line, let reason, let excerpt):
            return .rejected(Rejection(reason: reason, location: "line \(line)", excerpt: excerpt))
        case .ignored(let line, let what):
            return .skipped(location: "line \(line) (\(what.rawValue))")
        case .record(var record):
            let first = !sawFirstRecord
            sawFirstRecord = true
            guard let layout else {
                // The header row of a mapped export: resolve the columns, emit nothing.
                layout = try Self.headerLayout(settings.columns, header: record.fields, location: record.location)
                return nil
            }
            if settings.hasHeader, settings.format != .mapped, first { return nil }
            if settings.trim { record.fields = record.fields.map(TextCleaner.trim) }
            // `,,,,` (Excel pads rows to the widest one): no values, no record.
            if record.fields.allSatisfy({ TextCleaner.trim($0).isEmpty }) {
                return .skipped(location: "\(record.location) (no values)")
            }
            return makeEvent(record, layout: layout)
        }
    }

    private func makeEvent(_ record: CSVRecord, layout: CallLogLayout) -> ParseEvent {
        let row = record.fields
        let location = record.location
        func reject(_ reason: String) -> ParseEvent {
            .rejected(Rejection(reason: reason, location: location, excerpt: row.joined(separator: String(UnicodeScalar(settings.dialect.delimiter)))))
        }
        var warnings: [String] = []
        if settings.format == .mapped, settings.ragged == .keep {
            // Exports pad or cut rows routinely: every value is kept, and the row says so.
            if settings.hasHeader, row.count != layout.columnNames.count {
                warnings.append("the row has \(row.count) field\(row.count == 1 ? "" : "s"), the header \(layout.columnNames.count)"
                                + (row.count > layout.columnNames.count ? "; the extra ones are in attributes as column_N" : "; the missing ones are absent"))
            }
        } else if !layout.columnCounts.contains(row.count) {
            let expected = layout.columnCounts.count == 1 ? "\(layout.columnCounts.lowerBound)" : "\(layout.columnCounts.lowerBound) to \(layout.columnCounts.upperBound)"
            return reject("expected \(expected) columns, found \(row.count)")
        }
        guard let startText = layout.value(.start, in: row) else {
            return reject("the start time (\(layout.name(of: .start))) is empty")
        }
        let start: Date
        switch times.read(startText) {
        case .date(let date): start = date
        case .impossible(let why):
            return reject("impossible start time \"\(startText)\" in \(layout.name(of: .start)): \(why)")
        case .unrecognized:
            return reject("bad start time \"\(startText)\" in \(layout.name(of: .start)); \(times.expectation())")
        }
        let isAsterisk = settings.format != .mapped
        var queue = layout.value(.queue, in: row)
        // A call that ended in the Queue application belongs to that queue.
        if isAsterisk, let app = layout.value(named: "lastapp", in: row), app == "Queue" || app.lowercased() == "queue",
           let data = layout.value(named: "lastdata", in: row) {
            queue = data.split(separator: ",").first.map(String.init) ?? queue
        }
        let disposition = layout.value(.disposition, in: row)
        let notes = layout.value(.notes, in: row)
        // Decided before anything else is read: most rows of a PBX's log are not complaints.
        guard settings.rule.matches(queue: queue, disposition: disposition, notes: notes) else {
            return .skipped(location: location)
        }
        var callerNumber = layout.value(.callerNumber, in: row)
        var callerName = layout.value(.callerName, in: row)
        if isAsterisk {
            // clid is `"Name" <number>`; the number fills in for an empty src.
            let (name, number) = Self.splitCallerID(callerName ?? "")
            callerName = name
            if callerNumber == nil { callerNumber = number }
        }

        var attributes: [String: AttributeValue] = [:]
        let mapped = Set(layout.positions.values)
        // Every column that is not mapped is kept: under its header name, or
        // column_N where there is none (no header, or a field past its end).
        for (i, value) in row.enumerated() where !mapped.contains(i) && !value.isEmpty {
            attributes[i < layout.columnNames.count ? layout.columnNames[i] : "column_\(i + 1)"] = .string(value)
        }
        if let callerNumber { attributes["caller_number"] = .string(callerNumber) }
        if let agent = layout.value(.agent, in: row) { attributes["agent"] = .string(agent) }
        if let queue { attributes["queue"] = .string(queue) }
        if let disposition { attributes["disposition"] = .string(disposition) }

        var end: Date? = nil
        if let endText = layout.value(.end, in: row) {
            switch times.read(endText) {
            case .date(let e):
                end = e
                attributes["ended_at"] = .string(RFC3339.string(from: e))
            case .impossible(let why):
                warnings.append("impossible end time \"\(endText)\": \(why)")
            case .unrecognized:
                warnings.append("unreadable end time \"\(endText)\"")
            }
        }
        if let durationText = layout.value(.duration, in: row) {
            if let seconds = CallTimeParser.seconds(durationText) {
                attributes["duration_seconds"] = .int(seconds)
            } else {
                warnings.append("unreadable duration \"\(durationText)\"")
            }
        } else if let end {
            attributes["duration_seconds"] = .int(max(0, Int(end.timeIntervalSince(start).rounded())))
        }

        var phone: String? = nil
        if let callerNumber {
            phone = settings.phone.e164(callerNumber)
            if phone == nil {
                warnings.append("caller number \"\(callerNumber)\" is not a phone number; kept in attributes.caller_number")
            }
        }
        if record.hadInvalidUTF8 {
            warnings.append("bytes that are not valid UTF-8 were replaced; if the file is a Chinese Excel export set encoding = \"gbk\"")
        }
        if let converter, converter.replacements > reportedReplacements {
            reportedReplacements = converter.replacements
            warnings.append("bytes that are not valid \(settings.charset.label) were replaced near \(location)")
        }

        let digest = ComplaintIdentity.recordDigest(row)
        let sourceID: String
        if isAsterisk {
            // Asterisk reuses a uniqueid across the records of one call (forked CDRs),
            // so the row's content completes it.
            sourceID = layout.value(.id, in: row).map { "\($0)#\(digest.prefix(12))" } ?? "row:\(digest.prefix(24))"
        } else {
            sourceID = layout.value(.id, in: row) ?? "row:\(digest.prefix(24))"
        }
        let body = notes ?? Self.summary(caller: callerNumber, queue: queue, disposition: disposition,
                                         seconds: attributes["duration_seconds"])
        if notes == nil { attributes[Complaint.generatedBodyAttribute] = .bool(true) }
        return .complaint(ComplaintDraft(
            sourceID: sourceID,
            occurredAt: start,
            customer: Customer(name: callerName, phone: phone, accountID: layout.value(.accountID, in: row)),
            subject: layout.value(.subject, in: row),
            body: body,
            attributes: attributes,
            warnings: warnings,
            location: location))
    }

    /// A readable body for a call that has no notes.
    static func summary(caller: String?, queue: String?, disposition: String?, seconds: AttributeValue?) -> String {
        var s = "Call from \(caller ?? "an unknown number")"
        if let queue { s += " to \(queue)" }
        if let disposition { s += ", \(disposition)" }
        if let seconds { s += ", \(seconds) s" }
        return s
    }

    /// Splits an Asterisk caller id `"Name" <number>` into its parts.
    static func splitCallerID(_ clid: String) -> (name: String?, number: String?) {
        guard !clid.isEmpty else { return (nil, nil) }
        guard let open = clid.lastIndex(of: "<"), let close = clid.lastIndex(of: ">"), open < close else {
            return (clid, nil)
        }
        let number = TextCleaner.trim(String(clid[clid.index(after: open)..<close]))
        var name = Substring(TextCleaner.trim(String(clid[..<open])))
        while name.first == "\"" { name = name.dropFirst() }
        while name.last == "\"" { name = name.dropLast() }
        return (name.isEmpty ? nil : String(name), number.isEmpty ? nil : number)
    }

    static func positionalLayout(_ columns: [CallField: CallLogSettings.ColumnRef]) -> CallLogLayout {
        var positions: [CallField: Int] = [:]
        for (field, ref) in columns {
            if case .position(let p) = ref { positions[field] = p - 1 }
        }
        let width = (positions.values.max() ?? 0) + 1
        // Columns past the widest mapped one are named column_N as they come.
        return CallLogLayout(positions: positions, columnNames: (1...max(width, 1)).map { "column_\($0)" },
                             columnCounts: width...Int.max)
    }

    /// Header names as attribute keys: trimmed, an empty one `column_N`, a
    /// repeated one `name_2`, `name_3` (so neither value is lost).
    static func columnNames(_ header: [String]) -> [String] {
        var seen: [String: Int] = [:]
        var taken = Set<String>()
        return header.enumerated().map { i, raw in
            var name = TextCleaner.trim(raw)
            if name.isEmpty { name = "column_\(i + 1)" }
            if taken.contains(name) {
                var n = seen[name, default: 1]
                repeat { n += 1 } while taken.contains("\(name)_\(n)")
                seen[name] = n
                name = "\(name)_\(n)"
            }
            taken.insert(name)
            return name
        }
    }

    /// Resolves `columns` against a header row.
    static func headerLayout(_ columns: [CallField: CallLogSettings.ColumnRef], header: [String], location: String = "line 1") throws -> CallLogLayout {
        let names = columnNames(header)
        var positions: [CallField: Int] = [:]
        var missing: [String] = []
        for (field, ref) in columns.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            switch ref {
            case .position(let p):
                if p <= names.count { positions[field] = p - 1 } else { missing.append("column \(p) (\(field.rawValue))") }
            case .name(let wanted):
                if let i = names.firstIndex(where: { $0.caseInsensitiveCompare(wanted) == .orderedSame }) {
                    positions[field] = i
                } else {
                    missing.append("\"\(wanted)\" (columns.\(field.rawValue))")
                }
            }
        }
        guard missing.isEmpty else {
            throw Rejection(reason: "header row lacks \(missing.joined(separator: ", ")); the header has: \(names.map { "\"\($0)\"" }.joined(separator: ", "))"
                                + " (a title above the header? set skip_lines)",
                            location: location)
        }
        return CallLogLayout(positions: positions, columnNames: names, columnCounts: names.count...names.count)
    }
}

extension CallLogLayout {
    func name(of field: CallField) -> String {
        guard let p = positions[field] else { return field.rawValue }
        return p < columnNames.count ? "column \"\(columnNames[p])\"" : "column \(p + 1)"
    }

    func value(named name: String, in row: [String]) -> String? {
        guard let p = columnNames.firstIndex(of: name), p < row.count, !row[p].isEmpty else { return nil }
        return row[p]
    }
}
