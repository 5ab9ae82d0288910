import Foundation
import ComplaintModel

/// A person crossing a line the complaint team watches: a `customer.repeat`
/// or `customer.escalation_risk` event's `data`. Decided by the dedup stage
/// inside the write transaction that stores the complaint which crossed it,
/// at most once per person and kind within `[identity] repeat_window_days`.
///
/// It carries no personal data: `person` is a keyed hash, the reasons are
/// the configured words found, so every reader may see it unmasked. The
/// person's identities are `GET /v1/customers/{person}` (with `pii`).
public struct CustomerSignal: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// At least `repeat_complaints` complaints within the window.
        case `repeat` = "customer.repeat"
        /// A repeat complainant, or a complaint announcing an escalation.
        case escalationRisk = "customer.escalation_risk"
    }

    public var kind: Kind
    /// `customer.person` of the person's complaints.
    public var person: String
    /// The complaint that crossed the line, and its channel.
    public var complaint: String
    public var channel: String
    /// The person's complaints within the window, this one included.
    public var complaintsInWindow: Int
    public var windowDays: Int
    /// `repeat`, and `words: 12315, 媒体` for the escalation words found.
    public var reasons: [String]
    /// When the complaint that crossed it was made.
    public var at: String

    enum CodingKeys: String, CodingKey {
        case kind, person, complaint, channel, reasons, at
        case complaintsInWindow = "complaints_in_window"
        case windowDays = "window_days"
    }

    public init(kind: Kind, person: String, complaint: String, channel: String, complaintsInWindow: Int, windowDays: Int,
                reasons: [String], at: Date) {
        self.kind = kind
        self.person = person
        self.complaint = complaint
        self.channel = channel
        self.complaintsInWindow = complaintsInWindow
        self.windowDays = windowDays
        self.reasons = reasons
        self.at = RFC3339.string(from: at)
    }

    /// The event's id: one per person, kind and crossing complaint.
    public var eventID: String { "\(kind.rawValue).\(person).\(complaint)" }
}
