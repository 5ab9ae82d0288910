import Foundation
import ComplaintModel

/// The store could not be reached or written; the input is archived and can be
/// processed again once it is back. Exits with 75 (EX_TEMPFAIL) from the CLI.
public struct StoreUnavailableError: Error, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "store unavailable: \(reason)" }
}
