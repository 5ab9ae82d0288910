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
            attachments: draft.attachments,
            thread: draft.thread,
            automated: draft.automated,
            attributes: draft.attributes,
            raw: RawRef(sha256: raw.sha256, size: raw.size, mediaType: raw.mediaType, location: draft.location),
            warnings: draft.warnings
        )
        return NormalizedComplaint(complaint: complaint, fingerprint: ComplaintIdentity.fingerprint(of: complaint))
    }
}
