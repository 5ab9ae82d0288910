/// Where and as whom a channel reads its mailbox (the `imap` table).
struct IMAPAccount: Sendable, Equatable {
    /// `imaps://host[:port]` or `imap://host[:port]`, without a path.
    var base: String
    var user: String
    var password: [UInt8]
    /// A CA bundle to trust instead of the system's (a private CA, a test's certificate).
    var caFile: String?
    var timeoutSeconds: Int
    /// `allow_insecure_login`: an `imap://` server that offers no STARTTLS
    /// gets the password in clear text. Off by default: without TLS the login
    /// is not sent (a man in the middle who strips STARTTLS learns nothing).
    var allowsInsecureLogin = false
}
