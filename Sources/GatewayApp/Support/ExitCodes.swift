import ArgumentParser
import Foundation
import GatewayCore

/// Exit statuses, after sysexits.h, so that scripts and MTAs can tell a
/// configuration mistake from a passing outage.
enum GatewayExit {
    static let someInputsFailed = ExitCode(1)
    static let noInput = ExitCode(66)
    static let tempFail = ExitCode(75)
    static let config = ExitCode(78)

    /// Prints `error` for a person and returns the exit code it maps to.
    static func report(_ error: any Error) -> ExitCode {
        switch error {
        case let e as ConfigError:
            StandardError.write(e.description)
            return config
        case let e as StoreConfigurationError:
            StandardError.write("complaint-gateway: \(e.description)")
            return config
        case let e as StoreUnavailableError:
            StandardError.write("complaint-gateway: \(e.description); inputs stay archived, try again later")
            return tempFail
        case let e as ArchiveError where e.isTransient:
            // A read-only or full archive: nothing was taken, the input stays where it is.
            StandardError.write("complaint-gateway: \(e.description); nothing was ingested, try again later")
            return tempFail
        case let e as StoreCorruptError:
            StandardError.write("complaint-gateway: \(e.description)")
            return ExitCode.failure
        case let e as ExitCode:
            return e
        default:
            StandardError.write("complaint-gateway: \(error)")
            return ExitCode.failure
        }
    }
}

/// Line-oriented writing to standard error.
enum StandardError {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
