import Metrics

/// The pipeline's metrics, through swift-metrics: whichever backend the
/// application bootstraps (Prometheus in `serve`) receives them, and with none
/// they cost nothing.
///
/// Names follow Prometheus conventions: `complaint_gateway_` prefix, `_total`
/// counters, seconds for durations, one `channel` dimension.
public enum IngestMetrics {
    /// Records read from inputs.
    public static let received = "complaint_gateway_records_received_total"
    /// Complaints stored as new or as a new revision.
    public static let stored = "complaint_gateway_complaints_stored_total"
    /// Complaints that arrived again unchanged.
    public static let duplicate = "complaint_gateway_complaints_duplicate_total"
    /// Records or inputs sent to quarantine.
    public static let quarantined = "complaint_gateway_records_quarantined_total"
    /// Records the channel's rules skip.
    public static let skipped = "complaint_gateway_records_skipped_total"
    /// Wall time from the start of an input's processing to its last commit.
    public static let latency = "complaint_gateway_ingest_duration_seconds"

    /// New complaints by dedup verdict (`verdict` = unique, duplicate, near_duplicate).
    public static let dedupVerdicts = "complaint_gateway_dedup_verdicts_total"
    /// Clusters flagged as mass complaints.
    public static let massComplaints = "complaint_gateway_mass_complaints_total"
    /// Clusters that reached each `[incidents]` level (`level`).
    public static let incidentLevels = "complaint_gateway_incident_levels_total"
    /// Persons signalled (`event`: customer.repeat, customer.escalation_risk).
    public static let customerSignals = "complaint_gateway_customer_signals_total"

    /// Creates each configured level's counter, and the customer signals', at zero.
    public static func declare(incidentLevels levels: [IncidentLevel]) {
        for level in levels {
            Counter(label: incidentLevels, dimensions: [("level", level.name)]).increment(by: 0)
        }
        for kind in CustomerSignal.Kind.allCases {
            Counter(label: customerSignals, dimensions: [("event", kind.rawValue)]).increment(by: 0)
        }
    }

    /// Creates a channel's counters at zero, so `/metrics` lists them from
    /// start-up: Prometheus `rate()` and `absent()` need a series before the
    /// first complaint.
    public static func declare(channel: String) {
        let dimensions = [("channel", channel)]
        for label in [received, stored, duplicate, quarantined, skipped] {
            Counter(label: label, dimensions: dimensions).increment(by: 0)
        }
        for verdict in ["unique", "duplicate", "near_duplicate"] {
            Counter(label: dedupVerdicts, dimensions: [("channel", channel), ("verdict", verdict)]).increment(by: 0)
        }
        Counter(label: massComplaints).increment(by: 0)
    }

    static func recordDedup(_ result: CommitResult, channel: String) {
        let unique = result.inserted - result.duplicates - result.nearDuplicates
        for (verdict, count) in [("unique", unique), ("duplicate", result.duplicates), ("near_duplicate", result.nearDuplicates)] where count > 0 {
            Counter(label: dedupVerdicts, dimensions: [("channel", channel), ("verdict", verdict)]).increment(by: count)
        }
        if !result.massComplaints.isEmpty {
            Counter(label: massComplaints).increment(by: result.massComplaints.count)
        }
        for incident in result.incidents {
            Counter(label: incidentLevels, dimensions: [("level", incident.level)]).increment()
        }
        for signal in result.customerSignals {
            Counter(label: customerSignals, dimensions: [("event", signal.kind.rawValue)]).increment()
        }
    }

    static func record(_ counts: IngestCounts, channel: String, duration: Duration) {
        let dimensions = [("channel", channel)]
        Counter(label: received, dimensions: dimensions).increment(by: counts.read)
        Counter(label: stored, dimensions: dimensions).increment(by: counts.new + counts.updated)
        Counter(label: duplicate, dimensions: dimensions).increment(by: counts.unchanged)
        Counter(label: quarantined, dimensions: dimensions).increment(by: counts.quarantined)
        Counter(label: skipped, dimensions: dimensions).increment(by: counts.skipped)
        Timer(label: latency, dimensions: dimensions, preferredDisplayUnit: .seconds).record(duration: duration)
    }
}
