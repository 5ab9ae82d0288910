import Foundation
import ComplaintModel
import ChannelSupport
import GatewayCore

/// Maps a parsed message to a complaint draft: who sent it, what they wrote
/// (best text part, HTML converted, quotes and signature trimmed), when,
/// which thread it belongs to, its attachments, and whether a machine sent it.
struct MailComplaintMapper: Sendable {
    var fallbackCharset: Charset
    /// For raw 8-bit bytes in headers.
    var headerCharset: Charset

    init(fallbackCharset: Charset, headerCharset: Charset? = nil) {
        self.fallbackCharset = fallbackCharset
        self.headerCharset = headerCharset ?? fallbackCharset
    }

    func draft(_ message: MIMEPart, raw: [UInt8], location: String?) -> ComplaintDraft {
        // Raw 8-bit header bytes are in the charset the sender's mailer used,
        // which it names on the text parts (a Big5 mailer labels the body big5).
        let headerCharset = Self.declaredCharset(message) ?? fallbackCharset
        let mapper = MailComplaintMapper(fallbackCharset: fallbackCharset, headerCharset: headerCharset)
        return mapper.map(message, raw: raw, location: location)
    }

    private func map(_ message: MIMEPart, raw: [UInt8], location: String?) -> ComplaintDraft {
        var warnings: [String] = []
        message.walk { warnings.append(contentsOf: $0.warnings) }
        let h = message.headers
        var attributes: [String: AttributeValue] = [:]

        // Who.
        let from = addresses("From", h, &warnings).first
        let replyTo = addresses("Reply-To", h, &warnings).first
        var customer = Customer()
        // Replies go to Reply-To: for mail sent by a web form or a shared mailbox
        // on the customer's behalf, that is the customer.
        let contact = replyTo?.address != nil ? replyTo! : from
        customer.email = contact?.address
        customer.name = contact?.name ?? from?.name
        if let f = from?.address, let c = contact?.address, f.lowercased() != c.lowercased() {
            attributes["from"] = .string(f)
        }
        for name in ["To", "Cc"] {
            let list = addresses(name, h, &warnings).compactMap(\.address)
            if !list.isEmpty { attributes[name.lowercased()] = .string(list.joined(separator: ", ")) }
        }

        // When.
        var occurredAt: Date? = nil
        if let date = h.ascii("Date") {
            if let parsed = InternetDate.parse(date) {
                occurredAt = parsed.date
                if parsed.zoneMissing { warnings.append("Date \"\(date)\" has no time zone; read as UTC") }
            } else {
                warnings.append("Date \"\(date)\" is not a date; occurred_at left empty")
            }
        }

        // Identity and thread.
        let messageID = Self.messageIDs(h.ascii("Message-ID") ?? h.ascii("Message-Id") ?? "").first
        let inReplyTo = Self.messageIDs(h.ascii("In-Reply-To") ?? "").first
        let references = Self.messageIDs(h.ascii("References") ?? "")
        let sourceID = messageID ?? "sha256:" + Hex.sha256(raw)
        if messageID == nil { warnings.append("no Message-ID; identified by the hash of the message") }
        if let messageID { attributes["message_id"] = .string(messageID) }
        var thread: ThreadRef? = nil
        if messageID != nil || inReplyTo != nil || !references.isEmpty {
            // The thread's first message: what every follow-up in it names first.
            let key = references.first ?? inReplyTo ?? messageID!
            thread = ThreadRef(key: key, inReplyTo: inReplyTo, references: references)
        }

        // What.
        var subject = h.text("Subject", fallback: headerCharset, warnings: &warnings)
        subject = subject.map(\.asciiTrimmed)
        var bodyParts = Self.bodyParts(message)
        if bodyParts.isEmpty {
            // Nothing readable at the top: a forwarded message's text is the complaint.
            for child in Self.embeddedMessages(message) {
                bodyParts = Self.bodyParts(child)
                if !bodyParts.isEmpty { break }
            }
        }
        let chosen = Set(bodyParts.map(\.path))
        var texts: [String] = []
        for part in bodyParts {
            let bytes = part.part.decodedBody()
            let isHTML = part.part.contentType == "text/html"
            let label = part.part.charsetLabel ?? (isHTML ? MailTextDecoder.htmlMetaCharset(bytes) : nil)
            let text = LabelledTextDecoder.decode(bytes, label: label, fallback: fallbackCharset,
                                              what: "\(part.part.contentType) body", warnings: &warnings)
            texts.append(isHTML ? HTMLText.text(text) : text)
        }
        let fullText = texts.joined(separator: "\n\n").withLFLineEnds
        let trimmed = ReplyTrimmer.trim(fullText)
        if let quoted = trimmed.quoted { attributes["quoted_text"] = .string(quoted) }
        if let signature = trimmed.signature { attributes["signature"] = .string(signature) }
        if bodyParts.contains(where: { $0.part.contentType == "text/html" }) { attributes["body_from_html"] = .bool(true) }

        // Attachments: every leaf not read as the body, and embedded messages.
        var attachments: [Attachment] = []
        Self.visit(message, path: []) { part, path in
            guard !chosen.contains(path) else { return }
            switch part.kind {
            case .multipart: return
            case .message:
                guard !path.isEmpty else { return }
                let bytes = part.decodedBody()
                attachments.append(Attachment(filename: part.filename(fallback: headerCharset) ?? Self.subjectName(part),
                                              contentType: part.contentType, size: bytes.count, sha256: Hex.sha256(bytes)))
            case .leaf:
                // A message that is one text part is all body; inline text parts
                // without a name are the body or its alternatives, not attachments.
                let named = part.filename(fallback: headerCharset) != nil || part.disposition == "attachment"
                if part.contentType.hasPrefix("text/"), !named { return }
                let bytes = part.decodedBody()
                attachments.append(Attachment(filename: part.filename(fallback: headerCharset), contentType: part.contentType,
                                              size: bytes.count, sha256: Hex.sha256(bytes)))
            }
        }

        let automated = AutomatedMailDetector.kind(of: message, from: from?.address)
        return ComplaintDraft(sourceID: sourceID, occurredAt: occurredAt, customer: customer, subject: subject,
                              body: trimmed.body, attachments: attachments, thread: thread, automated: automated,
                              attributes: attributes, warnings: warnings, location: location)
    }

    // MARK: - Body

    struct BodyPart {
        var part: MIMEPart
        var path: [Int]
    }

    /// The parts that make up the readable body: in an alternative the plain
    /// text (else the HTML), in a mixed multipart every inline text part in
    /// order; not attachments, not embedded messages.
    static func bodyParts(_ root: MIMEPart) -> [BodyPart] {
        func collect(_ part: MIMEPart, _ path: [Int]) -> [BodyPart] {
            switch part.kind {
            case .message: return []
            case .leaf:
                guard part.contentType == "text/plain" || part.contentType == "text/html" || part.contentType == "text/enriched"
                        || part.contentType == "text/x-plain" else { return [] }
                if !path.isEmpty, part.disposition == "attachment" || (part.disposition != "inline" && part.filename(fallback: .utf8) != nil) {
                    return []
                }
                return [BodyPart(part: part, path: path)]
            case .multipart:
                let children = part.children.enumerated().map { (index: $0.offset, part: $0.element) }
                if part.contentType == "multipart/alternative" {
                    let options = children.map { collect($0.part, path + [$0.index]) }.filter { !$0.isEmpty }
                    // The last alternative is the sender's preferred one (RFC 2046); the
                    // plain text is preferred over HTML for reading.
                    let plain = options.last { $0.allSatisfy { $0.part.contentType == "text/plain" } && hasText($0) }
                    let notHTML = options.last { $0.allSatisfy { $0.part.contentType != "text/html" } && hasText($0) }
                    return plain ?? notHTML ?? options.last(where: hasText) ?? options.last ?? []
                }
                if part.contentType == "multipart/related" {
                    // The root (first part) is the body; the rest are its images.
                    return children.first.map { collect($0.part, path + [$0.index]) } ?? []
                }
                if part.contentType == "multipart/report" {
                    return children.first.map { collect($0.part, path + [$0.index]) } ?? []
                }
                return children.flatMap { collect($0.part, path + [$0.index]) }
            }
        }
        return collect(root, [])
    }

    private static func hasText(_ parts: [BodyPart]) -> Bool {
        parts.contains { !$0.part.rawBody.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } }
    }

    static func embeddedMessages(_ root: MIMEPart) -> [MIMEPart] {
        var found: [MIMEPart] = []
        func visit(_ part: MIMEPart) {
            if part.kind == .message { found.append(contentsOf: part.children); return }
            part.children.forEach(visit)
        }
        root.children.forEach(visit)
        return found
    }

    /// Visits the tree with each entity's path (child indexes), not descending into embedded messages.
    static func visit(_ part: MIMEPart, path: [Int], _ body: (MIMEPart, [Int]) -> Void) {
        body(part, path)
        guard part.kind == .multipart else { return }
        for (i, child) in part.children.enumerated() { visit(child, path: path + [i], body) }
    }

    // MARK: - Headers

    private func addresses(_ name: String, _ h: MailHeaders, _ warnings: inout [String]) -> [MailAddress] {
        guard let field = h[name] else { return [] }
        let text = MIMEPart.headerText(field.value, fallback: headerCharset, warnings: &warnings)
        return MailAddress.list(text, fallback: headerCharset)
    }

    /// Message ids in a header (`<a@b> <c@d>`), without angle brackets; a bare id when there are none.
    static func messageIDs(_ value: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let id = rest[rest.index(after: open)..<close].asciiTrimmed
            if !id.isEmpty { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        if ids.isEmpty {
            let bare = value.asciiTrimmed
            if !bare.isEmpty, !bare.contains(" ") { ids.append(bare) }
        }
        return ids
    }

    /// The first charset a text part of the message declares, other than ASCII/UTF-8.
    static func declaredCharset(_ root: MIMEPart) -> Charset? {
        var found: Charset? = nil
        root.walk { part in
            guard found == nil, part.kind == .leaf, part.contentType.hasPrefix("text/"),
                  let label = part.charsetLabel, let charset = Charset(label: label), !charset.isUTF8,
                  charset.isASCIICompatible else { return }
            found = charset
        }
        return found
    }

    static func subjectName(_ part: MIMEPart) -> String? {
        guard let inner = part.children.first, let subject = inner.headers.ascii("Subject") else { return nil }
        return EncodedWords.decode(subject).text + ".eml"
    }

}
