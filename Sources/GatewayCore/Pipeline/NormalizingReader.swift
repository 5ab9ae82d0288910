import Foundation
import ComplaintModel

/// The stages every path through the gateway starts with: a channel's parser
/// reading one input, and the `Normalizer` turning each complaint draft into a
/// schema v1 complaint. Ingestion, replay previews and the `parse` dry run all
/// read inputs through it.
public final class NormalizingReader {
    /// A record of the input, normalized.
    public enum Event: Sendable {
        case complaint(NormalizedComplaint)
        case skipped(location: String?)
        case rejected(Rejection)
    }

    private let reader: any ParseEventReader
    private let normalizer: Normalizer
    private let channel: ChannelRef
    private let input: RawInput
    private let receivedAt: Date

    /// Opens `input` with `channel`'s parser.
    ///
    /// - Throws: what the parser throws when the input cannot be read at all.
    public init(channel: ConfiguredChannel, input: RawInput, receivedAt: Date, normalizer: Normalizer = Normalizer()) throws {
        reader = try channel.parser.open(input)
        self.normalizer = normalizer
        self.channel = ChannelRef(name: channel.name, type: channel.plugin.type)
        self.input = input
        self.receivedAt = receivedAt
    }

    /// The next record, or nil at the end of the input.
    ///
    /// - Throws: what the parser throws when the input cannot be read to its end.
    public func next() throws -> Event? {
        switch try reader.next() {
        case nil: return nil
        case .complaint(let draft)?: return .complaint(normalizer.normalize(draft, channel: channel, raw: input, receivedAt: receivedAt))
        case .skipped(let location)?: return .skipped(location: location)
        case .rejected(let rejection)?: return .rejected(rejection)
        }
    }
}
