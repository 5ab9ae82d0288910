import Foundation
import GatewayCore

/// The email channel's `imap` table and the keys that go with it.
///
/// ```toml
/// imap = { url = "imaps://mail.example.cn/INBOX", user = "complaints", password = { env = "MAIL_PASSWORD" } }
/// poll_interval_seconds = 60
/// after_ingest = "keep"        # or "seen", or "move:Processed"
/// ```
struct IMAPSettings: Sendable {
    enum AfterIngest: Sendable, Equatable {
        case keep, seen
        case move(String)
    }

    var account: IMAPAccount
    var folders: [String]
    var interval: Duration
    var afterIngest: AfterIngest
    var batchSize: Int
    var maxMessageBytes: Int

    static var options: [OptionSpec] {
        [
            OptionSpec("url", .string, required: true,
                       help: "imaps://HOST[:PORT]/FOLDER (TLS, verified), or imap://… (STARTTLS, required before the login)."),
            OptionSpec("user", .string, required: true, help: "The login."),
            SecretValue.option("password", required: true, help: "The password."),
            OptionSpec("folders", .stringArray, help: "Folders to read (default: the URL's folder, else INBOX)."),
            OptionSpec("ca_file", .string, help: "PEM file of the CA (or self-signed certificate) to trust instead of the system's."),
            OptionSpec("timeout_seconds", .integer, default: "30", help: "Connect timeout, and the longest a stalled transfer may last."),
            OptionSpec("batch_size", .integer, default: "100", help: "Messages fetched per round."),
            OptionSpec("allow_insecure_login", .boolean, default: "false",
                       help: "Send the password in clear text to an imap:// server that offers no STARTTLS (check warns)."),
        ]
    }

    /// Nil when the channel has no `imap` table; `ConfigError` with every problem otherwise.
    init?(_ s: ChannelSettings, maxMessageBytes: Int) throws {
        guard let table = s.table("imap") else { return nil }
        var problems: [ConfigProblem] = []
        let urlText = table["url"]?.stringValue ?? ""
        var base = ""
        var urlFolder: String? = nil
        if let url = URLComponents(string: urlText), let scheme = url.scheme?.lowercased(), ["imap", "imaps"].contains(scheme),
           let host = url.host, !host.isEmpty {
            base = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
            let path = url.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            urlFolder = path.isEmpty ? nil : path
        } else {
            problems.append(s.problem("imap", "url: \"\(urlText)\" is not imaps://HOST/FOLDER or imap://HOST/FOLDER"))
        }
        var password: [UInt8] = []
        if case .table(let reference)? = table["password"] {
            switch SecretValue.resolve(reference, baseDirectory: s.baseDirectory) {
            case .success(let secret): password = secret.bytes
            case .failure(let unresolved): problems.append(s.problem("imap", "password: \(unresolved.text)"))
            }
        }
        let folders = table["folders"]?.stringArrayValue ?? [urlFolder ?? "INBOX"]
        for folder in folders where folder.isEmpty || folder.contains(where: { !$0.isASCII || $0 == "\"" || $0 == "\\" || $0.isNewline }) {
            problems.append(s.problem("imap", "folders: \"\(folder)\": only ASCII folder names without quotes or backslashes"))
        }
        let timeout = table["timeout_seconds"]?.intValue ?? 30
        if !(1...600).contains(timeout) { problems.append(s.problem("imap", "timeout_seconds must be from 1 to 600")) }
        let batch = table["batch_size"]?.intValue ?? 100
        if !(1...10_000).contains(batch) { problems.append(s.problem("imap", "batch_size must be from 1 to 10000")) }
        let interval = s.int("poll_interval_seconds") ?? 60
        if !(1...86_400).contains(interval) { problems.append(s.problem("poll_interval_seconds", "must be from 1 to 86400")) }
        let after = s.string("after_ingest") ?? "keep"
        switch after {
        case "keep": afterIngest = .keep
        case "seen": afterIngest = .seen
        case let text where text.hasPrefix("move:") && text.count > 5:
            afterIngest = .move(String(text.dropFirst(5)))
        default:
            afterIngest = .keep
            problems.append(s.problem("after_ingest", "\"\(after)\" is not \"keep\", \"seen\" or \"move:FOLDER\""))
        }
        guard problems.isEmpty else { throw ConfigError(problems) }
        let caFile = table["ca_file"]?.stringValue.map { ConfigPaths.resolve($0, against: s.baseDirectory).path }
        account = IMAPAccount(base: base, user: table["user"]?.stringValue ?? "", password: password, caFile: caFile,
                              timeoutSeconds: timeout, allowsInsecureLogin: table["allow_insecure_login"]?.boolValue ?? false)
        self.folders = folders
        self.interval = .seconds(interval)
        batchSize = batch
        self.maxMessageBytes = maxMessageBytes
    }
}
