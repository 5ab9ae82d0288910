/// Why a message is machine-generated rather than written by a customer.
/// Automated messages are stored and flagged, never silently dropped.
public enum AutomatedKind: String, Sendable, Equatable, Codable, CaseIterable {
    case bounce
    case autoReply = "auto_reply"
    case list
}
