import Logging
import Synchronization

/// Bootstraps swift-log once per process: structured lines on standard error,
/// so standard output stays clean for NDJSON.
enum LoggingSetup {
    private static let done = Mutex(false)

    static func bootstrap(level: Logger.Level) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
