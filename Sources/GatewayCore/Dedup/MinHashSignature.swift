/// A MinHash signature of a text's character shingles: the Jaccard similarity
/// of two texts is estimated by the share of equal positions, in time that
/// does not depend on how many complaints are stored.
///
/// Shingles are character n-grams (default 3) of `DedupText.normalize`d text,
/// which works for Chinese without word segmentation and for English alike.
/// The hash functions are fixed (seeded), so signatures are stable across
/// processes and can be stored.
public struct MinHashSignature: Sendable, Equatable {
    public let values: [UInt64]

    public static let defaultCount = 128
    public static let defaultShingle = 3

    public init(values: [UInt64]) {
        self.values = values
    }

    /// The signature of already normalized text.
    public init(normalized text: String, count: Int = MinHashSignature.defaultCount, shingle: Int = MinHashSignature.defaultShingle) {
        var values = [UInt64](repeating: .max, count: count)
        for base in Self.shingleHashes(text, size: shingle) {
            for i in 0..<count {
                let h = Self.mix(base &+ Self.seeds[i % Self.seeds.count] &* UInt64(i + 1))
                if h < values[i] { values[i] = h }
            }
        }
        self.values = values
    }

    /// Estimated Jaccard similarity of the two shingle sets, 0...1.
    public func similarity(to other: MinHashSignature) -> Double {
        guard values.count == other.values.count, !values.isEmpty else { return 0 }
        var equal = 0
        for i in values.indices where values[i] == other.values[i] { equal += 1 }
        return Double(equal) / Double(values.count)
    }

    /// Band keys for locality-sensitive hashing: texts that agree on all rows
    /// of any band are candidates. With 32 bands of 4 rows, pairs above about
    /// 0.6 similarity collide with high probability and pairs below 0.3 rarely.
    public func bandKeys(bands: Int = 32) -> [UInt64] {
        let rows = max(1, values.count / bands)
        return (0..<bands).map { band in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(band)
            for v in values[(band * rows)..<min(values.count, (band + 1) * rows)] {
                h = Self.mix(h ^ v)
            }
            return h
        }
    }

    static func shingleHashes(_ text: String, size: Int) -> Set<UInt64> {
        let chars = Array(text.unicodeScalars)
        guard !chars.isEmpty else { return [] }
        var out = Set<UInt64>()
        if chars.count <= size {
            out.insert(hash(chars[...]))
            return out
        }
        for start in 0...(chars.count - size) { out.insert(hash(chars[start..<(start + size)])) }
        return out
    }

    /// FNV-1a over the scalars: stable across processes (unlike Hasher).
    static func hash(_ scalars: ArraySlice<Unicode.Scalar>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for s in scalars {
            h ^= UInt64(s.value)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// splitmix64's finalizer: a cheap, well-mixed 64-bit permutation.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    static let seeds: [UInt64] = (0..<16).map { mix(UInt64($0) &* 0x2545_f491_4f6c_dd1d) }
}
