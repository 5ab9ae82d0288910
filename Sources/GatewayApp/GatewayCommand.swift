import ArgumentParser

/// `complaint-gateway`: the command-line entry point.
public struct GatewayCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "complaint-gateway",
        abstract: "Multi-channel complaint ingestion gateway.",
        discussion: """
            Channels are configured in channels.conf (TOML). Raw inputs are archived before they are \
            parsed; records that cannot be parsed go to quarantine; complaints are normalized to the \
            complaint/v1 schema and published on a feed.

            Exit codes: 0 success, 1 some inputs failed, 64 usage, 66 input not found, \
            75 store unavailable (retry later), 78 configuration error.
            """,
        version: "0.1.0",
        subcommands: [
            IngestCommand.self, FeedCommand.self, CheckCommand.self, ChannelsCommand.self,
            ServeCommand.self, ParseCommand.self, QuarantineCommand.self, ArchiveCommand.self, ReplayCommand.self,
            ImportCommand.self, DeliveriesCommand.self, ClustersCommand.self, DedupCommand.self, ConfigCommand.self, TokenCommand.self, TapCommand.self, PostgresCommand.self,
            CustomersCommand.self, IdentitiesCommand.self,
        ]
    )

    public init() {}
}
