import GatewayCore

/// Where the feed stands when a consumer asks for it: the store's identity and
/// its newest sequence. A cursor beyond the newest one cannot have come from
/// this store; serving an empty page for it ("next": "9999") would leave the
/// consumer waiting forever for events that already exist under lower numbers.
struct FeedPosition: Sendable {
    let storeID: String
    let latest: Int64

    /// Reads the position and refuses a cursor past its end.
    static func check(_ query: FeedQuery, in store: any FeedReader, channels: [ConfiguredChannel]) async throws -> FeedPosition {
        let position = FeedPosition(storeID: try await store.storeID(), latest: try await store.latestFeedSequence())
        if query.after > position.latest {
            throw APIError(.badRequest, code: "cursor_past_end",
                           message: "after=\(query.after) is past the end of this feed (its newest event is \(position.latest), store \(position.storeID)): "
                               + "the store was reset or restored, or the cursor is another gateway's; page again from after=0")
        }
        return position
    }

    /// The `feed.opened` event's data on a stream.
    var openedJSON: String {
        #"{"latest_sequence":"\#(latest)","store_id":"\#(storeID)"}"#
    }
}
