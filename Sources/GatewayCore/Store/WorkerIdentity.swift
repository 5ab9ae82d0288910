import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which process ran an ingestion (`host:pid`), so start-up recovery can tell
/// an ingestion interrupted by a crash from one another process is still running.
public struct WorkerIdentity: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var pid: Int32

    public init(host: String, pid: Int32) {
        self.host = host
        self.pid = pid
    }

    /// `host:pid` as stored.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let pid = Int32(text[text.index(after: colon)...]) else { return nil }
        self.init(host: String(text[..<colon]), pid: pid)
    }

    public static let current = WorkerIdentity(host: ProcessInfo.processInfo.hostName, pid: getpid())

    public var description: String { "\(host):\(pid)" }

    /// True when this is a live process on this host other than the caller.
    /// (A pid reused by an unrelated process makes recovery wait for it to end:
    /// safe, never a double run.)
    public var isAliveElsewhere: Bool {
        guard host == Self.current.host, pid != Self.current.pid else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
