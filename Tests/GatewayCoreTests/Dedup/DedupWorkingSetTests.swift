import Foundation
import Testing
@testable import GatewayCore

/// The in-memory bucket cache against a table it mirrors: a plain array of
/// (day, key, entry) rows standing in for the store's band table, with the
/// store's own query (the newest four entries of each bucket) as the oracle.
@Suite("Dedup working set")
struct DedupWorkingSetTests {
    /// The band table and its entries, as a store holds them.
    struct Table {
        var rows: [(day: Int64, key: Int64, entry: Int64)] = []
        var keys: [Int64: (day: Int64, keys: [Int64])] = [:]

        mutating func store(_ entry: Int64, day: Int64, keys: [Int64]) {
            for key in keys { rows.append((day, key, entry)) }
            self.keys[entry] = (day, keys)
        }

        var maximumEntry: Int64 { keys.keys.max() ?? 0 }

        func after(_ entry: Int64) -> [DedupWorkingSet.Record] {
            keys.filter { $0.key > entry }.sorted { $0.key < $1.key }
                .map { DedupWorkingSet.Record(entry: $0.key, day: $0.value.day, keys: $0.value.keys) }
        }

        func load(_ day: Int64, _ visit: (Int64, Int64) -> Void) {
            for row in rows where row.day == day { visit(row.key, row.entry) }
        }

        /// What the store's query answers: per day and key, the newest `perBand` entries.
        func hits(days: ClosedRange<Int64>, keys: [Int64], perBand: Int = 4) -> [Int64: Int] {
            var hits: [Int64: Int] = [:]
            for day in days {
                for key in keys {
                    let newest = rows.filter { $0.day == day && $0.key == key }.map(\.entry).sorted(by: >).prefix(perBand)
                    for entry in newest { hits[entry, default: 0] += 1 }
                }
            }
            return hits
        }
    }

    static func entry(_ id: Int64) -> DedupEntry {
        DedupEntry(id: id, complaintID: "c\(id)", person: nil, at: Date(timeIntervalSince1970: 0), textHash: id, signature: [],
                   facts: [], root: "c\(id)", cluster: id, clusterComplaintID: "c\(id)")
    }

    func synchronize(_ cache: DedupWorkingSet, _ table: Table) throws {
        try cache.synchronize(maximumEntry: { table.maximumEntry }, after: { table.after($0) })
    }

    func lookup(_ cache: DedupWorkingSet, _ table: Table, days: ClosedRange<Int64>, keys: [Int64]) throws -> DedupWorkingSet.BandLookup {
        try cache.lookup(days: days, keys: keys, perBand: 4) { day, visit in table.load(day, visit) }
    }

    @Test("a lookup answers what the store's query answers: the newest four of each bucket, hits counted per entry")
    func matchesTheStore() throws {
        var table = Table()
        // Ten entries sharing key 7 on day 1, some also key 8; others on day 2.
        for entry in Int64(1)...10 { table.store(entry, day: 1, keys: entry.isMultiple(of: 2) ? [7, 8] : [7]) }
        for entry in Int64(11)...13 { table.store(entry, day: 2, keys: [7, 9]) }
        let cache = DedupWorkingSet()
        try synchronize(cache, table)
        let found = try lookup(cache, table, days: 1...3, keys: [7, 8, 9])
        #expect(found.uncachedDays == [])
        #expect(found.hits == table.hits(days: 1...3, keys: [7, 8, 9]))
        #expect(found.hits[10] == 2 && found.hits[1] == nil, "only the newest four of a bucket")

        // The committer adds entries; the cache follows without reading the table again.
        table.store(14, day: 1, keys: [8])
        cache.added(DedupWorkingSet.Record(entry: 14, day: 1, keys: [8]), entry: Self.entry(14))
        cache.committed()
        #expect(try lookup(cache, table, days: 1...2, keys: [7, 8]).hits == table.hits(days: 1...2, keys: [7, 8]))
    }

    @Test("entries another process committed are caught up before the next transaction decides")
    func catchesUp() throws {
        var table = Table()
        table.store(1, day: 5, keys: [1, 2])
        let cache = DedupWorkingSet()
        try synchronize(cache, table)
        _ = try lookup(cache, table, days: 5...5, keys: [1])
        #expect(cache.cachedDays == [5])
        // Another writer stores two entries in the cached day.
        table.store(2, day: 5, keys: [1])
        table.store(3, day: 5, keys: [2])
        #expect(try lookup(cache, table, days: 5...5, keys: [1, 2]).hits == [1: 2], "not yet synchronized")
        try synchronize(cache, table)
        #expect(try lookup(cache, table, days: 5...5, keys: [1, 2]).hits == table.hits(days: 5...5, keys: [1, 2]))
        // An entry whose band keys the store does not have drops its day, which is read again.
        try cache.synchronize(maximumEntry: { 4 }, after: { _ in [DedupWorkingSet.Record(entry: 4, day: 5, keys: nil)] })
        #expect(cache.cachedDays == [])
        table.store(4, day: 5, keys: [1])
        #expect(try lookup(cache, table, days: 5...5, keys: [1]).hits == table.hits(days: 5...5, keys: [1]))
    }

    @Test("a rolled-back transaction leaves nothing behind: its days are read again and catching up resumes where it began")
    func rollback() throws {
        var table = Table()
        table.store(1, day: 1, keys: [3])
        let cache = DedupWorkingSet()
        try synchronize(cache, table)
        _ = try lookup(cache, table, days: 1...1, keys: [3])
        // A transaction adds four newer entries to the bucket, pushing entry 1 out, then rolls back.
        for entry in Int64(2)...5 { cache.added(DedupWorkingSet.Record(entry: entry, day: 1, keys: [3]), entry: Self.entry(entry)) }
        #expect(cache.entries([1, 2, 5]).held.map(\.id) == [2, 5])
        #expect(try lookup(cache, table, days: 1...1, keys: [3]).hits == [2: 1, 3: 1, 4: 1, 5: 1])
        cache.rolledBack()
        #expect(try lookup(cache, table, days: 1...1, keys: [3]).hits == [1: 1])
        #expect(cache.entries([2, 5]).missing == [2, 5], "the rolled-back entries are forgotten")
        // Meanwhile another process committed entry 2 (the id the rolled-back one had): it is caught up.
        table.store(2, day: 1, keys: [3])
        try synchronize(cache, table)
        #expect(try lookup(cache, table, days: 1...1, keys: [3]).hits == [1: 1, 2: 1])
    }

    @Test("memory stays within the bound: unused days are evicted, a day that cannot fit is left to the store")
    func bounded() throws {
        var table = Table()
        for day in Int64(1)...3 {
            for entry in 1...4 { table.store(day * 100 + Int64(entry), day: day, keys: [Int64(entry), Int64(entry + 10)]) }
        }
        let cache = DedupWorkingSet(maximumKeys: 10)
        try synchronize(cache, table)
        _ = try lookup(cache, table, days: 1...1, keys: [1])
        _ = try lookup(cache, table, days: 2...2, keys: [1])
        #expect(cache.cachedDays == [2], "eight buckets a day: day 1 was evicted for day 2")
        #expect(cache.keyCount <= 10)
        // A lookup over two days that cannot both fit: one is answered by the store.
        let found = try lookup(cache, table, days: 2...3, keys: [1, 2])
        #expect(found.uncachedDays == [3])
        #expect(cache.keyCount <= 10)
        // Another bucket size than the cache keeps: all of it from the store.
        #expect(try cache.lookup(days: 1...2, keys: [1], perBand: 8) { _, _ in }.uncachedDays == [1, 2])
    }

    @Test("entries are held up to the bound, oldest out first, and read from the store when not held")
    func entryBound() {
        let cache = DedupWorkingSet(maximumEntries: 3)
        cache.remember((1...5).map(Self.entry))
        #expect(cache.entryCount == 3)
        let (held, missing) = cache.entries([1, 2, 3, 4, 5])
        #expect(held.map(\.id) == [3, 4, 5])
        #expect(missing == [1, 2])
    }

    @Test("an index emptied by another process (a rebuild) empties the cache")
    func emptiedElsewhere() throws {
        var table = Table()
        table.store(1, day: 1, keys: [1])
        table.store(2, day: 1, keys: [1])
        let cache = DedupWorkingSet()
        try synchronize(cache, table)
        _ = try lookup(cache, table, days: 1...1, keys: [1])
        table = Table()
        table.store(1, day: 1, keys: [2])
        try synchronize(cache, table)
        #expect(cache.cachedDays == [])
        #expect(try lookup(cache, table, days: 1...1, keys: [1, 2]).hits == [1: 1])
    }
}
