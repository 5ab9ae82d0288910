import Foundation
import ComplaintModel

/// The full dedup stage: exact re-deliveries, the same complaint from the same
/// customer again (any channel), near-duplicates, and incident clusters.
///
/// In order, for a complaint not stored before:
/// 1. its customer's identities are linked into one person (an email and a
///    phone on one web form make a later call from that phone the same person;
///    see `IdentityRules` for which keys link and `IdentityLinker` for how a
///    shared key is kept from joining two customers);
/// 2. the person's complaints within `window` are compared: the same
///    normalized text is a `duplicate`; text similar at or above
///    `nearDuplicateThreshold` whose numbers do not contradict is a
///    `near_duplicate` with its score. `of` always names the group's first
///    complaint;
/// 3. a duplicate joins its original's cluster; any other complaint looks up
///    similar recent texts of anyone through the LSH bands and joins the most
///    similar one's cluster at or above `clusterThreshold` (numbers not
///    contradicting, as for near-duplicates), else starts one;
/// 4. a cluster with `massComplaintCustomers` distinct customers within
///    `massComplaintWindow` is flagged as a mass complaint;
/// 5. a cluster that reaches an `[incidents]` level above its own is raised
///    to the highest level it reaches (the store puts an
///    `incident.level_changed` event in the feed in the same transaction);
/// 6. a person who has become a repeat complainant or at risk of escalating
///    is signalled (`CustomerSignals`: `customer.*` events, once per window).
///
/// Dedup only marks: every complaint is stored and reaches the feed.
public struct ComplaintDedupStage: DedupStage {
    public var settings: DedupSettings
    /// Most recent complaints of one customer compared (a business account may
    /// have thousands; the recent ones are what a re-send repeats).
    public var perPersonLimit = 200
    /// Most recent entries taken from each LSH bucket per lookup.
    public var perBandLimit = 4

    /// Which identities link (`[identity]`).
    public let identity: IdentityRules

    public init(settings: DedupSettings = DedupSettings()) {
        self.settings = settings
        identity = IdentityRules(settings: settings.identity)
    }

    public func features(of incoming: NormalizedComplaint) -> DedupFeatures? {
        guard settings.enabled else { return nil }
        return features(of: incoming.complaint)
    }

    /// The features of a complaint as this stage's rules see it.
    public func features(of complaint: Complaint) -> DedupFeatures {
        DedupFeatures(of: complaint, rules: identity)
    }

    public func decide(_ incoming: NormalizedComplaint, features: DedupFeatures?, existing: StoredVersion?,
                       index: some DedupIndex) throws -> DedupDecision {
        let exact = ExactDedupStage().decide(incoming, features: nil, existing: existing, index: index)
        guard case .insert(var complaint) = exact, let features else { return exact }
        let decided = try decideVerdict(for: complaint.id, features: features, index: index)
        complaint.dedup = decided.info
        complaint.customer.person = complaint.dedup.person
        complaint.customer.personEvidence = complaint.dedup.personEvidence
        if let person = decided.person, let key = decided.info.person, features.hasText {
            try CustomerSignals(settings: settings.identity)
                .check(person: person, key: key, complaint: complaint, features: features, index: index)
        }
        return .insert(complaint)
    }

    /// Links the complaint's identities (see `IdentityLinker`).
    func person(of features: DedupFeatures, index: some DedupIndex) throws -> (person: PersonLink, evidence: [PersonEvidence])? {
        try IdentityLinker(sharedAbove: settings.identity.sharedKeyIdentities).link(features.evidence, index: index)
    }

    public func reads(_ features: [DedupFeatures?]) -> DedupReads? {
        let present = features.compactMap { $0 }
        guard let earliest = present.map(\.at).min(), let latest = present.map(\.at).max() else { return nil }
        var seen = Set<String>()
        let keys = present.flatMap(\.identityKeys).filter { seen.insert($0).inserted }
        return DedupReads(identityKeys: keys,
                          window: earliest.addingTimeInterval(-settings.window)...latest.addingTimeInterval(settings.window),
                          perPerson: perPersonLimit,
                          clusterLookups: present.filter(\.hasText).map { DedupReads.ClusterLookup(bandKeys: $0.bandKeys, window: clusterWindow(at: $0.at)) },
                          perBand: perBandLimit, customersSince: earliest.addingTimeInterval(-settings.massComplaintWindow))
    }

    /// Back over the cluster window, and forward as far as anything can have
    /// arrived: a live complaint looks at today and yesterday only, an
    /// imported backlog also at the days after it.
    func clusterWindow(at: Date) -> ClosedRange<Date> {
        at.addingTimeInterval(-settings.clusterWindow)...min(at.addingTimeInterval(settings.clusterWindow), max(at, Date()))
    }

    /// Decides and records the verdict of a complaint stored for the first time.
    public func verdict(for id: String, features: DedupFeatures, index: some DedupIndex) throws -> DedupInfo {
        try decideVerdict(for: id, features: features, index: index).info
    }

    /// The verdict, and the person it was linked to (the index's id).
    private func decideVerdict(for id: String, features: DedupFeatures, index: some DedupIndex) throws -> (info: DedupInfo, person: Int64?) {
        let linked = try person(of: features, index: index)
        let person = linked?.person.id
        var info = DedupInfo(person: linked?.person.key, personEvidence: linked?.evidence ?? [])
        // Nothing to compare without text: the identities are linked, the complaint stands alone.
        guard features.hasText else { return (info, person) }
        var joined: DedupEntry? = nil
        if let person {
            let window = features.at.addingTimeInterval(-settings.window)...features.at.addingTimeInterval(settings.window)
            var best: (entry: DedupEntry, score: Double)? = nil
            var same: DedupEntry? = nil
            for candidate in try index.entries(person: person, in: window, limit: perPersonLimit) {
                if candidate.textHash == features.textHash {
                    same = candidate  // newest first: the last one seen is the earliest copy
                    continue
                }
                guard DedupFeatures.factsCompatible(candidate.facts, features.facts) else { continue }
                let score = DedupFeatures.similarity(candidate.signature, features.signature)
                if score >= settings.nearDuplicateThreshold, score >= (best?.score ?? 0) {
                    best = (candidate, score)
                }
            }
            if let same {
                info.status = .duplicate
                info.of = same.root
                joined = same
            } else if let best {
                info.status = .nearDuplicate
                info.of = best.entry.root
                info.score = (best.score * 1000).rounded() / 1000
                joined = best.entry
            }
        }
        info.cluster = try place(id: id, person: person, features: features, verdict: info, joining: joined, index: index)
        return (info, person)
    }

    /// Adds an already stored complaint to a rebuilt index, keeping its stored
    /// verdict; `cluster` is the entry of the cluster its document names, when
    /// that cluster is already in the index.
    public func reindex(id: String, verdict: DedupInfo, features: DedupFeatures, cluster: DedupEntry?,
                        index: some DedupIndex) throws -> DedupInfo {
        let linked = try person(of: features, index: index)
        let person = linked?.person.id
        var info = verdict
        info.person = linked?.person.key
        info.personEvidence = linked?.evidence ?? []
        guard features.hasText else { return info }
        info.cluster = try place(id: id, person: person, features: features, verdict: verdict,
                                 joining: cluster, startsOwn: verdict.cluster == id, index: index)
        return info
    }

    /// Records the complaint's entry in a cluster (the one of `joining`, else
    /// the most similar recent text's, else a new one), flags the cluster when
    /// it has become a mass complaint, and returns the cluster's id.
    private func place(id: String, person: Int64?, features: DedupFeatures, verdict: DedupInfo, joining: DedupEntry?,
                       startsOwn: Bool = false, index: some DedupIndex) throws -> String {
        var joined = joining
        if joined == nil, !startsOwn {
            let window = clusterWindow(at: features.at)
            var best: (entry: DedupEntry, score: Double)? = nil
            for candidate in try index.entries(sharingBands: features.bandKeys, in: window, perBand: perBandLimit) {
                // One template with other event facts ("since 14:00" and "since 23:00")
                // is another incident of the same kind; another building is not.
                guard DedupFeatures.eventFactsCompatible(candidate.facts, features.facts) else { continue }
                var score = candidate.textHash == features.textHash
                    ? 1 : DedupFeatures.similarity(candidate.signature, features.signature)
                // The same outage at the same place in other words (`IncidentTopic`).
                if score < settings.clusterThreshold, let topic = DedupFeatures.topic(features.facts),
                   DedupFeatures.topic(candidate.facts) == topic {
                    score = settings.clusterThreshold
                }
                guard score >= settings.clusterThreshold else { continue }
                // The most similar; among equals the oldest, so a cluster's members agree.
                if let current = best, score < current.score || (score == current.score && candidate.id > current.entry.id) {
                    continue
                }
                best = (candidate, score)
            }
            joined = best?.entry
        }
        let membership = try index.add(NewDedupEntry(
            complaintID: id, person: person, features: features, dedup: verdict,
            cluster: joined?.cluster, clusterComplaintID: joined?.clusterComplaintID))
        let since = features.at.addingTimeInterval(-settings.massComplaintWindow)
        // A cluster flagged within the window stays flagged: no need to count again.
        if membership.size >= 2, (membership.flaggedAt ?? .distantPast) < since {
            let customers = try index.recentCustomers(cluster: membership.cluster, since: since, cap: settings.massComplaintCustomers)
            if customers >= settings.massComplaintCustomers {
                _ = try index.flagMassComplaint(cluster: membership.cluster, at: features.at, since: since, customers: customers)
            }
        }
        try raiseIncidentLevel(membership, at: features.at, index: index)
        return membership.clusterComplaintID
    }

    /// Raises the cluster to the highest level above its own that it reaches
    /// now. A level needs at least its count of complaints, so the customers
    /// are counted only for levels the cluster's size allows.
    private func raiseIncidentLevel(_ membership: ClusterMembership, at: Date, index: some DedupIndex) throws {
        let levels = settings.incidents.levels
        guard membership.size >= 2, let lowest = levels.first, membership.size >= lowest.customers else { return }
        let current = try index.incidentRank(cluster: membership.clusterComplaintID)
        guard current < levels.count else { return }
        for rank in stride(from: levels.count, to: current, by: -1) {
            let level = levels[rank - 1]
            guard membership.size >= level.customers else { continue }
            let customers = try index.recentCustomers(cluster: membership.cluster, since: at.addingTimeInterval(-level.window),
                                                      cap: level.customers)
            guard customers >= level.customers else { continue }
            try index.raiseIncident(IncidentRaise(
                clusterEntry: membership.cluster, cluster: membership.clusterComplaintID, level: level, rank: rank,
                previous: current > 0 ? levels[current - 1].name : nil, customers: customers, at: at,
                samples: settings.incidents.samples))
            return
        }
    }
}
