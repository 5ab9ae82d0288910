/// Whether two complaints' texts say the same thing: similar enough by
/// MinHash, and agreeing on every number (amount, date, order or account
/// number), because complaints built from one template ("order 12345 arrived
/// damaged on 11-02") are similar text about different facts.
public struct NearDuplicateRule: Sendable, Equatable {
    /// Estimated Jaccard similarity of shingles at or above which texts match.
    public var threshold: Double

    public init(threshold: Double = 0.6) {
        self.threshold = threshold
    }

    /// A text prepared for comparison.
    public struct Prepared: Sendable, Equatable {
        public var signature: MinHashSignature
        public var facts: [String]

        public init(_ text: String) {
            let normalized = DedupText.normalize(text)
            signature = MinHashSignature(normalized: normalized)
            facts = DedupText.facts(normalized)
        }
    }

    /// The similarity score when `a` and `b` match, nil when they do not.
    public func match(_ a: Prepared, _ b: Prepared) -> Double? {
        guard a.facts == b.facts else { return nil }
        let score = a.signature.similarity(to: b.signature)
        return score >= threshold ? score : nil
    }
}
