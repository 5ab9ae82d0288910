import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Fair turns at SQLite's write lock between processes sharing one store
/// file (an operator's `ingest` beside `serve`).
///
/// SQLite's busy timeout polls with growing sleeps (up to 100 ms), while a
/// process that commits back to back (a large file's batches, group commits
/// under load) releases the lock for microseconds between transactions: the
/// other process can miss every gap and give up after its timeout. So a
/// waiting process polls every millisecond and marks itself waiting (a shared
/// fcntl lock on byte 0 of `<store>-turn`), and a writer about to start a
/// transaction steps aside for a few milliseconds when another process is
/// marked waiting. fcntl locks belong to the process and vanish with it, so a
/// killed waiter leaves no mark behind.
final class WriterTurn: Sendable {
    private let fd: Int32
    /// How long a waiting process keeps trying before the store reports itself unavailable.
    let timeout: TimeInterval
    /// How long a writer steps aside for a waiting process.
    static let stepAside: Duration = .milliseconds(5)
    private static let poll: useconds_t = 1_000

    private let turnPath: String

    init(store: URL, timeout: TimeInterval) {
        self.timeout = timeout
        turnPath = store.path + "-turn"
        fd = open(turnPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// The busy handler of the writer connection: marks this process waiting,
    /// waits a millisecond, and says whether to try again.
    var busyMode: Database.BusyMode {
        .callback { [self] tries in
            if tries == 0 { mark(F_RDLCK) }
            guard Double(tries) * Double(Self.poll) / 1e6 < timeout else {
                mark(F_UNLCK)
                return false
            }
            usleep(Self.poll)
            return true
        }
    }

    /// Runs `body` (the schema migrations) while no other process runs its own.
    ///
    /// GRDB reads which migrations are applied before it takes the write
    /// lock, so two processes opening a new store at once (`feed --follow`
    /// started beside the first `ingest`) both ran the first migration and one
    /// failed ("duplicate column name"). An exclusive `flock` on the turn file
    /// serializes them; flock locks are separate from the fcntl marks above.
    /// Opens its own descriptor: the store's folder may not have existed when
    /// this turn was made.
    func exclusively<T>(_ body: () throws -> T) throws -> T {
        let lock = open(turnPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { return try body() }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(lock, LOCK_UN) }
        return try body()
    }

    /// Called inside each write transaction: this process is no longer waiting.
    func acquired() {
        mark(F_UNLCK)
    }

    /// Whether another process is waiting for the write lock.
    var anotherProcessWaiting: Bool {
        guard fd >= 0 else { return false }
        var query = flock()
        query.l_type = Int16(F_WRLCK)
        query.l_whence = Int16(SEEK_SET)
        query.l_start = 0
        query.l_len = 1
        // F_GETLK ignores this process's own locks: a conflict is another process's mark.
        guard fcntl(fd, F_GETLK, &query) == 0 else { return false }
        return query.l_type != Int16(F_UNLCK)
    }

    private func mark(_ type: Int32) {
        guard fd >= 0 else { return }
        var lock = flock()
        lock.l_type = Int16(type)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 1
        _ = fcntl(fd, F_SETLK, &lock)
    }
}
