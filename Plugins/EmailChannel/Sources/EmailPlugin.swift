import Foundation
import GatewayCore

/// The `email` channel: mail files (.eml), mbox mailboxes and Maildir
/// folders, and single messages piped in by an MTA.
///
/// Full MIME with Chinese charsets: RFC 2047/2231 headers, base64 and
/// quoted-printable, GB2312/GBK/GB18030/Big5 and others through iconv, HTML
/// mail converted to text, quoted replies and signatures trimmed. A message
/// that cannot be read is quarantined with the reason; the rest of the
/// mailbox goes on.
public struct EmailPlugin: ChannelPlugin {
    public init() {}

    public var type: String { "email" }
    public var typeAliases: [String] { ["mail"] }
    public var summary: String { "Mail files: .eml, mbox, Maildir, or a message on stdin (MIME, RFC 2047, GB18030/Big5 via iconv)" }
    public var mediaType: String { "message/rfc822" }

    public var options: [OptionSpec] { EmailSettings.options }

    /// One source per IMAP folder of the `imap` table.
    public func remoteSources(_ settings: ChannelSettings) throws -> [any RemoteSource] {
        guard let imap = try IMAPSettings(settings, maxMessageBytes: settings.int("max_message_bytes") ?? 25 << 20) else { return [] }
        return imap.folders.map { IMAPMailbox(settings: imap, folder: $0, channel: settings.name) }
    }

    public func makeParser(_ settings: ChannelSettings) throws -> any ChannelParser {
        EmailParser(settings: try EmailSettings(settings))
    }

    /// How the message was stored, not who wrote it. Personal, so masked without
    /// `pii`: `from`, `to`, `cc` (addresses), `signature` (names, titles,
    /// phone numbers) and `quoted_text` (earlier messages of the thread).
    public func sharedAttributes(_ settings: ChannelSettings) -> Set<String> {
        ["message_id", "body_from_html", "maildir_flags"]
    }

    /// A Maildir yields its message files (new/ and cur/, sub-folders
    /// included, never tmp/); any other folder its mail files.
    public func inputFiles(in folder: URL) throws -> DropFolderListing {
        if MaildirSource.isMaildir(folder) { return try MaildirSource.listing(in: folder) }
        return try DropFolder.list(folder)
    }
}
