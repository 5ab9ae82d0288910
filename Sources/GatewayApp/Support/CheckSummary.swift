import GatewayCore

/// The rest of `check`'s OK line: what the file sets up, so an admin sees at
/// a glance that the token, sink or store they added was read.
struct CheckSummary {
    let text: String

    init(_ config: GatewayConfig, channels: [ConfiguredChannel]) {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        let list = channels.map { "\($0.name) (\($0.plugin.type))" }.joined(separator: ", ")
        var parts = [count(channels.count, "channel") + (list.isEmpty ? "" : ": \(list)")]
        parts.append(count(config.tokens.count + config.deferredSecrets.filter { $0.key?.hasPrefix("token[") == true }.count, "token")
                     + (config.tokens.isEmpty ? "" : " (" + config.tokens.map(\.name).joined(separator: ", ") + ")"))
        parts.append(count(config.sinks.count, "sink") + (config.sinks.isEmpty ? "" : " (" + config.sinks.map { "\($0.name) \($0.kind.rawValue)" }.joined(separator: ", ") + ")"))
        parts.append("store " + Self.storeName(config.storage))
        text = parts.joined(separator: "; ")
    }

    /// `sqlite /var/lib/complaint-gateway/complaints.sqlite` or
    /// `postgres gateway@db:5432/complaints schema public` (never a password).
    static func storeName(_ storage: StorageSettings) -> String {
        switch storage.engine {
        case .sqlite:
            return "sqlite \(storage.path.path)"
        case .postgres:
            guard let p = storage.postgres else { return "postgres" }
            return "postgres \(p.username)@\(p.host):\(p.port)/\(p.database) schema \(p.schema)"
        }
    }
}
