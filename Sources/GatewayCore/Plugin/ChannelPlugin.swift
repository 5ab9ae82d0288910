import struct Foundation.URL

/// A channel adapter: one kind of source (`call_log`, `email`, ...) that turns
/// raw inputs into complaint drafts.
///
/// A plugin declares its configuration keys (`options`), validates a channel's
/// settings and builds a parser for it (`makeParser`). It depends only on
/// `ComplaintModel` and `GatewayCore`; the application registers the built-in
/// plugins in one list, and the core never imports a plugin.
public protocol ChannelPlugin: Sendable {
    /// The `type` value that selects this plugin in `channels.conf`.
    var type: String { get }
    /// Other spellings accepted for `type` (`webform` for `web_form`).
    var typeAliases: [String] { get }
    /// One line for `complaint-gateway channels`.
    var summary: String { get }
    /// The keys a `[[channel]]` of this type accepts, besides `name` and `type`.
    var options: [OptionSpec] { get }
    /// The media type recorded in the archive manifest for this channel's raw inputs.
    var mediaType: String { get }

    /// Checks what the declared kinds cannot (known charset, valid country...)
    /// and builds the parser for one channel.
    ///
    /// - Throws: `ConfigError` with every problem found, each located with
    ///   `settings.problem(_:_:)`.
    func makeParser(_ settings: ChannelSettings) throws -> any ChannelParser

    /// How the channel takes HTTP posts, for plugins whose inputs arrive over
    /// HTTP (web forms); nil (the default) for file and polling channels.
    ///
    /// - Throws: `ConfigError`, as `makeParser`.
    func httpIntake(_ settings: ChannelSettings) throws -> HTTPIntake?

    /// The inputs a folder holds for this channel: its drop folder, or a folder
    /// named on the command line. By default the folder's regular files
    /// (`DropFolder.list`); a plugin whose source is a folder layout (a Maildir)
    /// lists that layout's files instead. Either way only regular files are
    /// listed; other entries (symlinks, FIFOs, devices) are reported as skipped.
    func inputFiles(in folder: URL) throws -> DropFolderListing

    /// What the server polls over HTTP for this channel (feed URLs); none by default.
    ///
    /// - Throws: `ConfigError`, as `makeParser`.
    func pollTargets(_ settings: ChannelSettings) throws -> [PollTarget]

    /// Where the server fetches this channel's inputs one by one (IMAP
    /// folders); none by default.
    ///
    /// - Throws: `ConfigError`, as `makeParser`.
    func remoteSources(_ settings: ChannelSettings) throws -> [any RemoteSource]

    /// The attribute keys of this channel's complaints that say nothing about a
    /// person (a queue, a duration, a feed's title), shown to readers without
    /// the `pii` scope. Every other attribute is personal and masked
    /// (`PIIMask`), so the default, none, hides everything.
    func sharedAttributes(_ settings: ChannelSettings) -> Set<String>
}

extension ChannelPlugin {
    public var mediaType: String { "application/octet-stream" }

    public var typeAliases: [String] { [] }

    public func httpIntake(_ settings: ChannelSettings) throws -> HTTPIntake? { nil }

    public func inputFiles(in folder: URL) throws -> DropFolderListing {
        try DropFolder.list(folder)
    }

    public func pollTargets(_ settings: ChannelSettings) throws -> [PollTarget] { [] }

    public func remoteSources(_ settings: ChannelSettings) throws -> [any RemoteSource] { [] }

    public func sharedAttributes(_ settings: ChannelSettings) -> Set<String> { [] }

    /// The folders this channel's settings watch (options of kind `.watchedFolder`).
    public func watchedFolders(in settings: ChannelSettings) -> [(key: String, url: URL)] {
        options.compactMap { option in
            guard case .watchedFolder = option.kind, let url = settings.path(option.key) else { return nil }
            return (option.key, url)
        }
    }
}

/// Reads one raw input and yields what it holds, one record at a time.
///
/// A parser is built once per channel and may be used for many inputs at once;
/// the reader it returns belongs to one input and one task.
public protocol ChannelParser: Sendable {
    /// Starts reading `input`. Errors thrown here or by `next()` mean the input as
    /// a whole could not be read (unreadable file, unsupported encoding); the
    /// pipeline quarantines it with the error's description as the reason.
    func open(_ input: RawInput) throws -> any ParseEventReader
}

/// Pulls parse events from one input. Pull-based so that a reader streams: it
/// holds only the record it is working on, whatever the size of the input.
public protocol ParseEventReader: AnyObject {
    /// The next event, or nil at the end of the input.
    func next() throws -> ParseEvent?
}
