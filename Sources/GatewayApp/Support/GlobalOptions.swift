import ArgumentParser
import Foundation
import Logging

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config: String = ProcessInfo.processInfo.environment["COMPLAINT_GATEWAY_CONFIG"] ?? "channels.conf"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .notice

    /// Sets up logging for the process (once) and returns a logger.
    func logger(_ label: String) -> Logger {
        LoggingSetup.bootstrap(level: logLevel)
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
