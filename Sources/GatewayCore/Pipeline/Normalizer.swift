import Foundation
import ComplaintModel

/// Turns a plugin's draft into a schema v1 complaint: derives the id, cleans
/// text, lower-cases the email address, guesses the language, and attaches the
/// channel and the archive reference.
public struct Normalizer: Sendable {
    public init() {}

    public func normalize(_ draft: ComplaintDraft, channel: ChannelRef, raw: RawInput, receivedAt: Date) -> NormalizedComplaint {
        var customer = draft.customer
        customer.name = TextCleaner.cleanOrNil(customer.name)
        customer.email = TextCleaner.cleanOrNil(customer.email)?.lowercased()
        customer.phone = TextCleaner.cleanOrNil(customer.phone)
        customer.handle = TextCleaner.cleanOrNil(customer.handle)
        customer.accountID = TextCleaner.cleanOrNil(customer.accountID)
        let subject = TextCleaner.cleanOrNil(draft.subject)
        let body = TextCleaner.clean(draft.body)
        let complaint = Complaint(
            id: ComplaintIdentity.id(channel: channel.name, sourceID: draft.sourceID),
            channel: channel,
            sourceID: draft.sourceID,
            receivedAt: receivedAt,
            occurredAt: draft.occurredAt,
            customer: customer,
            subject: subject,
            body: body,
            language: LanguageGuesser.guess((subject ?? "") + " " + body),
            attachments: draft.attachments.map(Self.clean),
            thread: draft.thread,
            automated: draft.automated,
            attributes: Self.clean(draft.attributes),
            raw: RawRef(sha256: raw.sha256, size: raw.size, mediaType: raw.mediaType, location: draft.location),
            warnings: draft.warnings.map(TextCleaner.clean)
        )
        return NormalizedComplaint(complaint: complaint, fingerprint: ComplaintIdentity.fingerprint(of: complaint),
                                   revisionPolicy: draft.revisionPolicy)
    }

    /// Every text that reaches the feed is cleaned, not only the body (attribute
    /// values sanitized only: not trimmed, line breaks kept): an
    /// attacker's NUL or escape sequence in a form field's name, an attribute
    /// value or an attachment's file name would otherwise reach consumers'
    /// terminals, logs and databases. A key that cleans to nothing is dropped;
    /// two keys that clean to one keep the first in key order.
    static func clean(_ attributes: [String: AttributeValue]) -> [String: AttributeValue] {
        var out: [String: AttributeValue] = [:]
        out.reserveCapacity(attributes.count)
        for key in attributes.keys.sorted() {
            let cleanKey = TextCleaner.clean(key)
            guard !cleanKey.isEmpty, out[cleanKey] == nil else { continue }
            if case .string(let text) = attributes[key]! {
                // Kept as written (spaces, line breaks): only what could harm a consumer goes.
                out[cleanKey] = .string(TextCleaner.sanitize(text))
            } else if case .strings(let list) = attributes[key]! {
                out[cleanKey] = .strings(list.map(TextCleaner.sanitize))
            } else {
                out[cleanKey] = attributes[key]!
            }
        }
        return out
    }

    static func clean(_ attachment: Attachment) -> Attachment {
        var cleaned = attachment
        cleaned.filename = TextCleaner.cleanOrNil(attachment.filename)
        cleaned.contentType = TextCleaner.clean(attachment.contentType)
        return cleaned
    }
}
