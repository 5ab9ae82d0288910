import GatewayCore

/// An email channel's validated settings.
struct EmailSettings: Sendable {
    /// What becomes of mail a machine sent (bounces, auto-replies, list mail).
    enum AutomatedPolicy: String, Sendable, CaseIterable {
        /// Stored as complaints with `automated` set; consumers filter on it.
        case feed
        /// Kept in quarantine for review, not fed.
        case quarantine
    }

    var defaultCharset: Charset
    var maxMessageBytes: Int
    var automated: AutomatedPolicy
    var limits: MIMEDecoder.Limits

    init(_ s: ChannelSettings) throws {
        var problems: [ConfigProblem] = []
        let label = s.string("default_charset") ?? "gb18030"
        if let c = Charset(label: label) {
            defaultCharset = c
        } else {
            defaultCharset = .utf8
            problems.append(s.problem("default_charset", "unknown charset \"\(label)\"; use e.g. \"gb18030\", \"big5\", \"utf-8\", \"iso-8859-1\""))
        }
        maxMessageBytes = s.int("max_message_bytes") ?? 25 << 20
        if maxMessageBytes < 4096 {
            problems.append(s.problem("max_message_bytes", "must be at least 4096"))
        }
        automated = AutomatedPolicy(rawValue: s.string("automated") ?? "feed") ?? .feed
        limits = MIMEDecoder.Limits()
        if let depth = s.int("max_nesting_depth") {
            if (1...100).contains(depth) { limits.maxDepth = depth } else {
                problems.append(s.problem("max_nesting_depth", "must be between 1 and 100"))
            }
        }
        if !problems.isEmpty { throw ConfigError(problems) }
    }

    /// Defaults, for `parse --type email` without a channel.
    init() {
        defaultCharset = Charset(label: "gb18030")!
        maxMessageBytes = 25 << 20
        automated = .feed
        limits = MIMEDecoder.Limits()
    }
}

extension EmailSettings {
    /// The keys of a `[[channel]]` with `type = "email"` (besides `name` and `type`).
    static let options: [OptionSpec] = [
        OptionSpec("drop_folder", .watchedFolder,
                   help: "Folder this channel ingests: .eml and mbox files, or a Maildir (its new/ and cur/)."),
        OptionSpec("default_charset", .charset, default: "gb18030",
                   help: "Charset for text with no usable label (unlabelled 8-bit headers and bodies)."),
        OptionSpec("max_message_bytes", .integer, default: "26214400",
                   help: "Largest message accepted, in bytes; larger ones are quarantined."),
        OptionSpec("max_nesting_depth", .integer, default: "24",
                   help: "Deepest nesting of multiparts and embedded messages that is parsed."),
        OptionSpec("automated", .choice(EmailSettings.AutomatedPolicy.allCases.map(\.rawValue)), default: "feed",
                   help: "Bounces, auto-replies and list mail: \"feed\" stores them flagged (automated), \"quarantine\" holds them for review."),
        OptionSpec("imap", .table(IMAPSettings.options),
                   help: "A mailbox `serve` reads over IMAP: { url = \"imaps://HOST/FOLDER\", user = \"…\", password = { env = \"…\" } }."),
        OptionSpec("poll_interval_seconds", .integer, default: "60", help: "imap: the wait between rounds when no mail is new."),
        OptionSpec("after_ingest", .string, default: "keep",
                   help: "imap: what happens to a message once its complaint is committed: \"keep\", \"seen\" (flag it \\Seen) or \"move:FOLDER\"."),
    ]
}
