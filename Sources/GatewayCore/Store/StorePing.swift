/// Whether the store answers (`/readyz`): a read of real data, so a damaged
/// file or an unreachable server shows, not just an open handle.
public protocol StorePing: Sendable {
    func ping() async throws
}
