import Foundation
import GatewayCore
import Logging

/// The process's open-file limit, raised for `serve`.
///
/// Each connection holds a descriptor; the usual soft limit of 1024 let a few
/// hundred slow clients starve the drop-folder scans and the store of
/// descriptors. The soft limit is raised to the hard limit, and
/// `max_connections` is kept below it with room left for files, the store and
/// outgoing connections.
enum DescriptorLimit {
    /// Descriptors kept free for everything that is not a client connection.
    static let reserve = 256

    /// Raises the soft limit to the hard one and returns the connection limit
    /// that fits under it.
    static func raise(fitting maxConnections: Int, logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return maxConnections }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur) - reserve
        guard maxConnections > available else { return maxConnections }
        let fitted = max(1, available)
        logger.warning("max_connections lowered to fit the open-file limit", metadata: [
            "configured": "\(maxConnections)", "used": "\(fitted)", "nofile_limit": "\(limit.rlim_cur)",
            "fix": "raise the limit (LimitNOFILE= in a systemd unit, ulimit -n) or lower [server] max_connections"])
        return fitted
    }
}
