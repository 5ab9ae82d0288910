import Foundation
import Synchronization

/// What the dedup stage reads most, kept in memory by a store: the newest
/// entries of each LSH bucket (UTC day, band key) of the days in use, and the
/// recent dedup entries themselves. A cluster lookup becomes hash probes
/// instead of 25 index seeks per day of the window plus a read of the best
/// candidates, so its cost no longer follows `cluster_window_hours` in
/// statements.
///
/// A mirror of the store's tables, never a second truth, so a lookup answers
/// exactly what the store's own queries would:
/// - a day's buckets are loaded whole from the store the first time a lookup
///   needs them (with the open transaction's own entries, which a store that
///   writes them at the end of the transaction has not written yet); an entry
///   is read from the store when it is not held;
/// - every entry the committer adds is added here in the same transaction;
/// - entries other processes committed are caught up by entry id when a write
///   transaction begins (`synchronize`), before anything is decided;
/// - a rolled-back transaction's days and entries are dropped.
///
/// Memory is bounded: `maximumKeys` buckets (days not used by the lookup in
/// progress are evicted, least recently used first; a day that cannot fit is
/// answered by the store, `BandLookup.uncachedDays`) and `maximumEntries`
/// entries (oldest added first out).
///
/// Used only from a store's write transactions, which one writer runs one at
/// a time; the mutex makes that safe to share, not fast to contend.
public final class DedupWorkingSet: Sendable {
    /// Entries kept per bucket: the dedup stage's `perBandLimit`. A lookup
    /// asking for another number is answered by the store.
    public static let perBand = 4
    /// About 55 bytes each (key, four entry ids, the table's slack): 1.5 million
    /// buckets are ~80 MiB, a day of 60,000 complaints with distinct texts (a
    /// mass complaint's members share their buckets).
    public static let defaultMaximumKeys = 1_500_000
    /// About 500 bytes each (the 256-byte signature, ids, facts): ~25 MiB.
    public static let defaultMaximumEntries = 50_000

    public let maximumKeys: Int
    public let maximumEntries: Int
    private let state = Mutex(State())

    public init(maximumKeys: Int = DedupWorkingSet.defaultMaximumKeys,
                maximumEntries: Int = DedupWorkingSet.defaultMaximumEntries) {
        self.maximumKeys = maximumKeys
        self.maximumEntries = maximumEntries
    }

    /// An entry's place in the band table.
    public struct Record: Sendable, Equatable {
        public var entry: Int64
        public var day: Int64
        /// Its band keys; nil when the store does not have them with the entry
        /// (a row written before they were stored), which drops its day.
        public var keys: [Int64]?

        public init(entry: Int64, day: Int64, keys: [Int64]?) {
            self.entry = entry
            self.day = day
            self.keys = keys
        }
    }

    /// Hit counts by entry for the cached days, and the days left to the store.
    public struct BandLookup: Sendable, Equatable {
        public var hits: [Int64: Int] = [:]
        public var uncachedDays: [Int64] = []
    }

    /// Brings the working set up to date with the store at the start of a
    /// write transaction: `maximumEntry` is the highest stored entry id,
    /// `after` reads the entries stored after an id.
    public func synchronize(maximumEntry: () throws -> Int64, after: (Int64) throws -> [Record]) throws {
        try state.withLock { state in
            let highest = try maximumEntry()
            guard let mirrored = state.mirroredEntry, highest >= mirrored else {
                // First use, or the index was emptied by another process (a rebuild).
                state.reset(mirroredEntry: highest)
                return
            }
            if highest > mirrored {
                for record in try after(mirrored) { state.add(record, maximumKeys: maximumKeys) }
                state.mirroredEntry = highest
            }
            state.transactionStart = state.mirroredEntry
        }
    }

    /// Counts, for each entry in the newest `perBand` of any bucket of `keys`
    /// on `days`, how many of those buckets it is in. Days not cached are
    /// loaded with `load` (every key and entry of a day) when they fit.
    public func lookup(days: ClosedRange<Int64>, keys: [Int64], perBand: Int,
                       load: (Int64, (Int64, Int64) -> Void) throws -> Void) throws -> BandLookup {
        guard perBand == Self.perBand else { return BandLookup(uncachedDays: Array(days)) }
        return try state.withLock { state in
            state.tick &+= 1
            var result = BandLookup()
            for day in days {
                if state.days[day] == nil, !state.tooLarge.contains(day) {
                    try state.load(day, maximumKeys: maximumKeys, using: load)
                }
                guard state.days[day] != nil else {
                    result.uncachedDays.append(day)
                    continue
                }
                state.days[day]!.lastUsed = state.tick
                let buckets = state.days[day]!.buckets
                for key in keys {
                    guard let bucket = buckets[key] else { continue }
                    bucket.forEach { result.hits[$0, default: 0] += 1 }
                }
            }
            return result
        }
    }

    /// The held entries among `ids`, and the ids to read from the store.
    public func entries(_ ids: [Int64]) -> (held: [DedupEntry], missing: [Int64]) {
        state.withLock { state in
            var held: [DedupEntry] = [], missing: [Int64] = []
            for id in ids {
                if let entry = state.entries[id] { held.append(entry) } else { missing.append(id) }
            }
            return (held, missing)
        }
    }

    /// Keeps entries read from the store for the next lookups.
    public func remember(_ entries: [DedupEntry]) {
        state.withLock { state in
            for entry in entries { state.keep(entry, maximumEntries: maximumEntries) }
        }
    }

    /// Records an entry the committer stored in the open transaction.
    public func added(_ record: Record, entry: DedupEntry) {
        state.withLock { state in
            state.touched.insert(record.day)
            state.addedRecords.append(record)
            state.add(record, maximumKeys: maximumKeys)
            state.keep(entry, maximumEntries: maximumEntries)
            state.mirroredEntry = max(state.mirroredEntry ?? 0, record.entry)
        }
    }

    /// The open transaction committed: what it added is the store's now.
    public func committed() {
        state.withLock { state in
            state.touched.removeAll()
            state.addedRecords.removeAll()
        }
    }

    /// The open transaction rolled back: its days are dropped (reloaded when a
    /// lookup needs them), its entries forgotten (their ids will be given to
    /// other entries), and catching up resumes from where it began.
    public func rolledBack() {
        state.withLock { state in
            for day in state.touched { state.drop(day) }
            for record in state.addedRecords { state.entries[record.entry] = nil }
            state.touched.removeAll()
            state.addedRecords.removeAll()
            state.mirroredEntry = state.transactionStart
        }
    }

    /// Forgets everything (the index was emptied).
    public func reset() {
        state.withLock { $0.reset(mirroredEntry: nil) }
    }

    /// Buckets held, for tests and metrics.
    public var keyCount: Int { state.withLock { $0.keys } }

    /// Entries held, for tests.
    public var entryCount: Int { state.withLock { $0.entries.count } }

    /// Days held, for tests.
    public var cachedDays: [Int64] { state.withLock { $0.days.keys.sorted() } }
}
