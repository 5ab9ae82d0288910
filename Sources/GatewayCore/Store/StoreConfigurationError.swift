/// The store refuses the gateway for a reason waiting will not fix: a role
/// that does not exist, a wrong password, a database that is missing, a
/// permission not granted, TLS required from a server without it.
///
/// The CLI exits 78 (EX_CONFIG), so systemd's `RestartPreventExitStatus=78`
/// stops retrying and an MTA defers rather than hammers; an outage is
/// `StoreUnavailableError` (75).
public struct StoreConfigurationError: Error, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "store refused the configuration: \(reason)" }
}
