import GatewayCore
import Metrics

/// The server's per-channel and per-sink series, declared at zero for every
/// channel and sink in the configuration (at start-up and after each reload).
enum ChannelMetrics {
    static let formPosts = "complaint_gateway_form_posts_total"
    static let formPostDuration = "complaint_gateway_form_post_duration_seconds"
    static let feedPolls = "complaint_gateway_feed_polls_total"
    static let sinkDeliveries = "complaint_gateway_sink_deliveries_total"
    static let sourceFetches = "complaint_gateway_source_fetches_total"

    static func declare(_ configuration: ServingConfiguration) {
        for channel in configuration.channels {
            IngestMetrics.declare(channel: channel.name)
            if channel.httpIntake != nil {
                for status in ["202"] {
                    Counter(label: formPosts, dimensions: [("channel", channel.name), ("status", status)]).increment(by: 0)
                }
            }
            if !channel.remoteSources.isEmpty {
                for result in ["ingested", "empty", "error"] {
                    Counter(label: sourceFetches, dimensions: [("channel", channel.name), ("result", result)]).increment(by: 0)
                }
            }
            if !channel.pollTargets.isEmpty {
                for result in ["ingested", "unchanged", "not_modified", "error"] {
                    Counter(label: feedPolls, dimensions: [("channel", channel.name), ("result", result)]).increment(by: 0)
                }
            }
        }
        for sink in configuration.sinks {
            for result in ["delivered", "dead_letter"] {
                Counter(label: sinkDeliveries, dimensions: [("sink", sink.name), ("result", result)]).increment(by: 0)
            }
        }
    }
}
