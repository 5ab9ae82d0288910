/// Decides which call rows are complaints, from a channel's `match_*` keys.
///
/// A row is a complaint when it matches any configured condition: its queue
/// is in `match_queues`, its disposition in `match_dispositions`, or its notes
/// contain one of `match_keywords` (all case-insensitive). With no condition
/// configured every row is a complaint (a file of complaint calls).
struct ComplaintRule: Sendable {
    var queues: Set<String>
    var dispositions: Set<String>
    var keywords: [String]

    init(queues: [String], dispositions: [String], keywords: [String]) {
        self.queues = Set(queues.map { $0.lowercased() })
        self.dispositions = Set(dispositions.map { $0.lowercased() })
        self.keywords = keywords.map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    var matchesEverything: Bool { queues.isEmpty && dispositions.isEmpty && keywords.isEmpty }

    func matches(queue: String?, disposition: String?, notes: String?) -> Bool {
        if matchesEverything { return true }
        if let q = queue?.lowercased(), queues.contains(q) { return true }
        if let d = disposition?.lowercased(), dispositions.contains(d) { return true }
        if let n = notes?.lowercased(), keywords.contains(where: { n.contains($0) }) { return true }
        return false
    }
}
