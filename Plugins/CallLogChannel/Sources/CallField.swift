/// The meaning of a call-log column, as mapped in `columns = { ... }`.
public enum CallField: String, Sendable, CaseIterable {
    case id
    case callerNumber = "caller_number"
    case callerName = "caller_name"
    case accountID = "account_id"
    case agent
    case queue
    case start
    case end
    case duration
    case disposition
    case notes
    case subject

    var help: String {
        switch self {
        case .id: "Unique call id (source id); without it a hash of the row is used."
        case .callerNumber: "Caller's phone number, normalized to E.164."
        case .callerName: "Caller's name."
        case .accountID: "Customer account number."
        case .agent: "Agent who took the call."
        case .queue: "Queue or skill group."
        case .start: "Call start time (required)."
        case .end: "Call end time (duration is derived when no duration column)."
        case .duration: "Duration in seconds, or h:mm:ss."
        case .disposition: "Outcome (ANSWERED, NO ANSWER, 已接通...)."
        case .notes: "Agent notes or transcript: the complaint body."
        case .subject: "Short summary or category."
        }
    }
}
