import Foundation
import ComplaintModel

/// Whether a complaint just stored makes its person a repeat complainant or
/// at risk of escalating, and if so signals it (`CustomerSignal`) unless the
/// person was signalled as that within `[identity] repeat_window_days`.
///
/// It reads the same entries the duplicate check reads (the person's recent
/// complaints with text), so it costs one bounded lookup per complaint of a
/// linked person, and decides inside the write transaction like every other
/// dedup decision: two instances cannot both announce one crossing.
struct CustomerSignals {
    let settings: IdentitySettings

    /// Most complaints counted (the duplicate check's limit): an event says
    /// "200" for a person with more, which is still a repeat complainant.
    static let countLimit = 200

    init(settings: IdentitySettings) {
        self.settings = settings
    }

    func check(person: Int64, key: String, complaint: Complaint, features: DedupFeatures, index: some DedupIndex) throws {
        let since = features.at.addingTimeInterval(-settings.repeatWindow)
        // The complaint itself counts once, whether or not the index lists its entry yet.
        let earlier = try index.entries(person: person, in: since...features.at, limit: Self.countLimit)
            .filter { $0.complaintID != complaint.id }.count
        let inWindow = earlier + 1
        let isRepeat = inWindow >= settings.repeatComplaints
        var reasons = isRepeat ? ["repeat"] : []
        if !features.escalationWords.isEmpty { reasons.append("words: " + features.escalationWords.joined(separator: ", ")) }
        guard !reasons.isEmpty else { return }
        let windowDays = Int((settings.repeatWindow / 86_400).rounded())
        for kind in isRepeat ? [CustomerSignal.Kind.repeat, .escalationRisk] : [.escalationRisk] {
            // Once per window: a later crossing is announced when the last one is a window old.
            if let last = try index.lastSignal(person: key, kind: kind), last > since { continue }
            try index.signal(CustomerSignal(kind: kind, person: key, complaint: complaint.id, channel: complaint.channel.name,
                                            complaintsInWindow: inWindow, windowDays: windowDays,
                                            reasons: kind == .repeat ? ["repeat"] : reasons, at: features.at), at: features.at)
        }
    }
}
