extension DedupWorkingSet {
    /// The newest entry ids of one bucket, newest first; 0 is an empty slot
    /// (entry ids start at 1). Four inline slots, no allocation per bucket.
    struct Bucket {
        var slots: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)

        /// Keeps `entry` if it is among the four newest.
        mutating func insert(_ entry: Int64) {
            var (a, b, c, d) = slots
            guard entry != a, entry != b, entry != c, entry != d, entry > d else { return }
            if entry > a { (a, b, c, d) = (entry, a, b, c) }
            else if entry > b { (b, c, d) = (entry, b, c) }
            else if entry > c { (c, d) = (entry, c) }
            else { d = entry }
            slots = (a, b, c, d)
        }

        func forEach(_ body: (Int64) -> Void) {
            let (a, b, c, d) = slots
            if a != 0 { body(a) }
            if b != 0 { body(b) }
            if c != 0 { body(c) }
            if d != 0 { body(d) }
        }
    }

    struct Day {
        var buckets: [Int64: Bucket] = [:]
        var lastUsed: UInt64 = 0
    }

    struct State {
        var days: [Int64: Day] = [:]
        /// Days that did not fit; the store answers for them.
        var tooLarge: Set<Int64> = []
        var keys = 0
        var tick: UInt64 = 0
        var entries: [Int64: DedupEntry] = [:]
        /// Entry ids in the order they were kept, for evicting the oldest.
        var entryOrder: [Int64] = []
        var entryOrderStart = 0
        /// The highest entry id reflected here; nil until the first synchronize.
        var mirroredEntry: Int64?
        var transactionStart: Int64?
        /// Days and entries changed by the open transaction.
        var touched: Set<Int64> = []
        var addedRecords: [Record] = []

        mutating func reset(mirroredEntry: Int64?) {
            self = State()
            self.mirroredEntry = mirroredEntry
            transactionStart = mirroredEntry
        }

        mutating func add(_ record: Record, maximumKeys: Int) {
            // A day not held is read whole from the store when needed, new entries included.
            guard var day = days[record.day] else { return }
            guard let keys = record.keys else {
                drop(record.day)
                return
            }
            days[record.day] = nil  // unique reference: the buckets are changed in place
            let before = day.buckets.count
            for key in keys { day.buckets[key, default: Bucket()].insert(record.entry) }
            self.keys += day.buckets.count - before
            days[record.day] = day
            if self.keys > maximumKeys { evict(keeping: record.day, maximumKeys: maximumKeys) }
            if self.keys > maximumKeys {
                drop(record.day)
                tooLarge.insert(record.day)
            }
        }

        mutating func drop(_ day: Int64) {
            if let removed = days.removeValue(forKey: day) { keys -= removed.buckets.count }
        }

        /// Evicts the least recently used days other than `keeping` and the
        /// days of the lookup in progress until the buckets fit.
        mutating func evict(keeping: Int64, maximumKeys: Int) {
            let candidates = days.filter { $0.key != keeping && $0.value.lastUsed != tick }
                .sorted { $0.value.lastUsed < $1.value.lastUsed }
            for (day, _) in candidates where keys > maximumKeys { drop(day) }
        }

        mutating func load(_ day: Int64, maximumKeys: Int, using load: (Int64, (Int64, Int64) -> Void) throws -> Void) throws {
            var loaded = Day()
            var fits = true
            try load(day) { key, entry in
                guard fits else { return }
                loaded.buckets[key, default: Bucket()].insert(entry)
                if loaded.buckets.count > maximumKeys { fits = false }
            }
            guard fits else {
                tooLarge.insert(day)
                return
            }
            for record in addedRecords where record.day == day {
                for key in record.keys ?? [] { loaded.buckets[key, default: Bucket()].insert(record.entry) }
            }
            loaded.lastUsed = tick
            keys += loaded.buckets.count
            days[day] = loaded
            if keys > maximumKeys { evict(keeping: day, maximumKeys: maximumKeys) }
            if keys > maximumKeys {
                drop(day)
                tooLarge.insert(day)
            }
        }

        /// Holds `entry`, forgetting the oldest held ones beyond the bound.
        mutating func keep(_ entry: DedupEntry, maximumEntries: Int) {
            guard maximumEntries > 0 else { return }
            if entries.updateValue(entry, forKey: entry.id) == nil { entryOrder.append(entry.id) }
            while entries.count > maximumEntries, entryOrderStart < entryOrder.count {
                entries[entryOrder[entryOrderStart]] = nil
                entryOrderStart += 1
            }
            // Compacts the order list once half of it is spent.
            if entryOrderStart > 1024, entryOrderStart * 2 > entryOrder.count {
                entryOrder.removeFirst(entryOrderStart)
                entryOrderStart = 0
            }
        }
    }
}
