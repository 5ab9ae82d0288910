import Foundation

/// A fast, canonical JSON serializer for `Complaint`.
///
/// Produces the same document as `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` (keys sorted, non-ASCII written as is), several
/// times faster: every ingested complaint is serialized for the store and
/// once more for its fingerprint, and Foundation's encoder dominated ingestion
/// profiles. `Codable` stays the reference; tests compare the two byte for byte.
public enum ComplaintJSON {
    /// The complaint as a JSON document.
    public static func data(_ complaint: Complaint) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(complaint, contentOnly: false, into: &out)
        return Data(out)
    }

    /// The complaint as a JSON string.
    public static func string(_ complaint: Complaint) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(complaint, contentOnly: false, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the document to `out`. With `contentOnly`, the fields that do not
    /// depend on the content (`id`, `received_at`, `raw`, `dedup`, `revision`)
    /// are left out: the canonical input of a content fingerprint.
    public static func write(_ c: Complaint, contentOnly: Bool, into out: inout [UInt8]) {
        var marks: Marks? = nil
        write(c, contentOnly: contentOnly, into: &out, marks: &marks)
    }

    /// Where the verdict object and the revision number lie in a written document.
    struct Marks {
        /// `customer.person` and `customer.person_evidence`, keys and values.
        var person: Range<Int>
        var dedup: Range<Int>
        var revision: Range<Int>
    }

    /// A verdict as a JSON object (how stores keep it beside a complaint),
    /// with the person it linked.
    public static func string(_ dedup: DedupInfo) -> String {
        var w = Writer(out: [])
        write(dedup, to: &w, withPerson: true)
        return String(decoding: w.out, as: UTF8.self)
    }

    private static func write(_ dedup: DedupInfo, to w: inout Writer, withPerson: Bool = false) {
        w.open()
        w.key("cluster"); w.optional(dedup.cluster)
        w.key("of"); w.optional(dedup.of)
        if withPerson, dedup.person != nil || !dedup.personEvidence.isEmpty {
            writePerson(dedup.person, dedup.personEvidence, to: &w)
        }
        w.key("score")
        if let s = dedup.score { w.double(s) } else { w.raw("null") }
        w.key("status"); w.string(dedup.status.rawValue)
        w.close()
    }

    private static func writePerson(_ person: String?, _ evidence: [PersonEvidence], to w: inout Writer) {
        w.key("person"); w.optional(person)
        w.key("person_evidence")
        w.array(evidence) { w, e in
            w.open()
            w.key("found_in"); w.string(e.foundIn)
            w.key("key"); w.string(e.key)
            w.key("kind"); w.string(e.kind)
            w.close()
        }
    }

    private static func write(_ c: Complaint, contentOnly: Bool, into out: inout [UInt8], marks: inout Marks?) {
        var w = Writer(out: out)
        out = []
        w.open()
        w.key("attachments")
        w.array(c.attachments) { w, a in
            w.open()
            w.key("content_type"); w.string(a.contentType)
            w.key("filename"); w.optional(a.filename)
            w.key("sha256"); w.string(a.sha256)
            w.key("size"); w.int(a.size)
            w.close()
        }
        w.key("attributes")
        w.open()
        for key in c.attributes.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            w.key(key)
            switch c.attributes[key]! {
            case .string(let s): w.string(s)
            case .int(let i): w.int(i)
            case .bool(let b): w.raw(b ? "true" : "false")
            case .double(let d): w.double(d)
            case .strings(let list): w.array(list) { w, item in w.string(item) }
            }
        }
        w.close()
        w.key("automated"); w.optional(c.automated?.rawValue)
        w.key("body"); w.string(c.body)
        w.key("channel")
        w.open()
        w.key("name"); w.string(c.channel.name)
        w.key("type"); w.string(c.channel.type)
        w.close()
        w.key("customer")
        w.open()
        w.key("account_id"); w.optional(c.customer.accountID)
        w.key("email"); w.optional(c.customer.email)
        w.key("handle"); w.optional(c.customer.handle)
        w.key("name"); w.optional(c.customer.name)
        var personMark = 0..<0
        if !contentOnly {
            let personStart = w.out.count
            writePerson(c.customer.person, c.customer.personEvidence, to: &w)
            personMark = personStart..<w.out.count
        }
        w.key("phone"); w.optional(c.customer.phone)
        w.close()
        var dedupMark = 0..<0
        if !contentOnly {
            w.key("dedup")
            let dedupStart = w.out.count
            write(c.dedup, to: &w)
            dedupMark = dedupStart..<w.out.count
            w.key("id"); w.string(c.id)
        }
        w.key("language"); w.optional(c.language)
        w.key("occurred_at"); w.optional(c.occurredAt.map(RFC3339.string(from:)))
        if !contentOnly {
            w.key("raw")
            w.open()
            w.key("location"); w.optional(c.raw.location)
            w.key("media_type"); w.string(c.raw.mediaType)
            w.key("sha256"); w.string(c.raw.sha256)
            w.key("size"); w.int(c.raw.size)
            w.close()
            w.key("received_at"); w.string(RFC3339.string(from: c.receivedAt))
            w.key("revision")
            let revisionStart = w.out.count
            w.int(c.revision)
            marks = Marks(person: personMark, dedup: dedupMark, revision: revisionStart..<w.out.count)
        }
        w.key("schema"); w.string(c.schema)
        w.key("source_id"); w.string(c.sourceID)
        w.key("subject"); w.optional(c.subject)
        w.key("thread")
        if let t = c.thread {
            w.open()
            w.key("in_reply_to"); w.optional(t.inReplyTo)
            w.key("key"); w.string(t.key)
            w.key("references"); w.array(t.references) { w, r in w.string(r) }
            w.close()
        } else {
            w.raw("null")
        }
        w.key("warnings"); w.array(c.warnings) { w, s in w.string(s) }
        w.close()
        out = w.out
    }

    /// A complaint's document with its verdict and revision left open: the
    /// store's writer fills in what dedup decided by splicing, instead of
    /// writing the whole document again inside the write transaction (every
    /// complaint of a deduplicating channel gets a verdict there).
    public struct Template: Sendable {
        private let bytes: [UInt8]
        private let marks: Marks
        /// The complaint the template was written from.
        public let complaint: Complaint

        public init(_ complaint: Complaint) {
            var out: [UInt8] = []
            out.reserveCapacity(1024)
            var marks: Marks? = nil
            ComplaintJSON.write(complaint, contentOnly: false, into: &out, marks: &marks)
            self.bytes = out
            self.marks = marks!
            self.complaint = complaint
        }

        /// The document as written, unchanged.
        public var string: String { String(decoding: bytes, as: UTF8.self) }

        /// The document of `complaint` when it differs from the template's at most
        /// in its verdict and revision; nil otherwise (write it whole).
        public func render(_ complaint: Complaint) -> String? {
            var probe = complaint
            probe.dedup = self.complaint.dedup
            probe.revision = self.complaint.revision
            probe.customer.person = self.complaint.customer.person
            probe.customer.personEvidence = self.complaint.customer.personEvidence
            guard probe == self.complaint else { return nil }
            if probe.customer == complaint.customer, complaint.dedup == self.complaint.dedup,
               complaint.revision == self.complaint.revision { return string }
            var w = Writer(out: [])
            w.out.reserveCapacity(bytes.count + 256)
            w.out.append(contentsOf: bytes[..<marks.person.lowerBound])
            // The comma before `person` is in the copied bytes (it follows `name`).
            w.markValueWritten()
            writePerson(complaint.customer.person, complaint.customer.personEvidence, to: &w)
            w.out.append(contentsOf: bytes[marks.person.upperBound..<marks.dedup.lowerBound])
            w.markKeyWritten()  // the copied bytes end in `"dedup":`
            write(complaint.dedup, to: &w)
            w.out.append(contentsOf: bytes[marks.dedup.upperBound..<marks.revision.lowerBound])
            w.out.append(contentsOf: String(complaint.revision).utf8)
            w.out.append(contentsOf: bytes[marks.revision.upperBound...])
            return String(decoding: w.out, as: UTF8.self)
        }
    }

    /// Appends JSON tokens, inserting commas where they belong.
    struct Writer {
        var out: [UInt8]
        private var needsComma = false

        init(out: [UInt8]) {
            self.out = out
        }

        /// Continues after bytes copied from a document that end in a key.
        mutating func markKeyWritten() {
            needsComma = false
        }

        /// Continues after bytes copied from a document that end in a value.
        mutating func markValueWritten() {
            needsComma = true
        }

        mutating func open() {
            comma()
            out.append(UInt8(ascii: "{"))
            needsComma = false
        }

        mutating func close() {
            out.append(UInt8(ascii: "}"))
            needsComma = true
        }

        mutating func key(_ k: String) {
            comma()
            escape(k)
            out.append(UInt8(ascii: ":"))
            needsComma = false
        }

        mutating func string(_ s: String) {
            comma()
            escape(s)
            needsComma = true
        }

        mutating func optional(_ s: String?) {
            if let s { string(s) } else { raw("null") }
        }

        mutating func int(_ i: Int) {
            raw(String(i))
        }

        mutating func double(_ d: Double) {
            // JSON has no NaN or infinity.
            guard d.isFinite else { raw("null"); return }
            raw(d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d))
        }

        mutating func raw(_ s: String) {
            comma()
            out.append(contentsOf: s.utf8)
            needsComma = true
        }

        mutating func array<T>(_ items: [T], _ each: (inout Writer, T) -> Void) {
            comma()
            out.append(UInt8(ascii: "["))
            needsComma = false
            for item in items { each(&self, item) }
            out.append(UInt8(ascii: "]"))
            needsComma = true
        }

        private mutating func comma() {
            if needsComma { out.append(UInt8(ascii: ",")) }
        }

        private static let hex = Array("0123456789abcdef".utf8)

        private mutating func escape(_ s: String) {
            out.append(UInt8(ascii: "\""))
            // Most strings need no escaping: copy them in one go, scanning the
            // contiguous bytes (the generic UTF8View walk showed in profiles).
            var s = s
            let clean = s.withUTF8 { bytes in
                for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
                out.append(contentsOf: bytes)
                return true
            }
            if clean {
                out.append(UInt8(ascii: "\""))
                return
            }
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
                case 0x00..<0x20:
                    out.append(contentsOf: Array("\\u00".utf8))
                    out.append(Self.hex[Int(b >> 4)])
                    out.append(Self.hex[Int(b & 0x0F)])
                default: out.append(b)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}
