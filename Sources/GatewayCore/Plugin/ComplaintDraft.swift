import Foundation
import ComplaintModel

/// What a channel plugin extracts from one record, before normalization.
///
/// Plugins fill what their source has and leave the rest alone; the
/// `Normalizer` derives the id, cleans text (NFC, line ends, lower-cased
/// email), guesses the language and attaches the channel and archive references.
public struct ComplaintDraft: Sendable, Equatable {
    /// Stable identifier of the record in its source; with the channel name it
    /// determines the complaint id.
    public var sourceID: String
    public var occurredAt: Date?
    public var customer: Customer
    public var subject: String?
    public var body: String
    public var attachments: [Attachment]
    public var thread: ThreadRef?
    public var automated: AutomatedKind?
    public var attributes: [String: AttributeValue]
    public var warnings: [String]
    /// Where in the raw input the record is (`line 12`).
    public var location: String?
    /// Which later inputs may revise the complaint (see `RevisionPolicy`).
    public var revisionPolicy: RevisionPolicy

    public init(sourceID: String, occurredAt: Date? = nil, customer: Customer = Customer(), subject: String? = nil,
                body: String, attachments: [Attachment] = [], thread: ThreadRef? = nil, automated: AutomatedKind? = nil,
                attributes: [String: AttributeValue] = [:], warnings: [String] = [], location: String? = nil,
                revisionPolicy: RevisionPolicy = .anyInput) {
        self.sourceID = sourceID
        self.occurredAt = occurredAt
        self.customer = customer
        self.subject = subject
        self.body = body
        self.attachments = attachments
        self.thread = thread
        self.automated = automated
        self.attributes = attributes
        self.warnings = warnings
        self.location = location
        self.revisionPolicy = revisionPolicy
    }
}
