import Foundation
import ComplaintModel
import GatewayCore

/// Parses an email channel's inputs: one message, or an mbox of many.
struct EmailParser: ChannelParser {
    let settings: EmailSettings

    init(settings: EmailSettings = EmailSettings()) {
        self.settings = settings
    }

    func open(_ input: RawInput) throws -> any ParseEventReader {
        guard let handle = FileHandle(forReadingAtPath: input.url.path) else {
            throw Rejection(reason: "cannot open \(input.originalName) for reading")
        }
        let prefix = try handle.read(upToCount: 64) ?? Data()
        try handle.seek(toOffset: 0)
        if MboxReader.looksLikeMbox(prefix) {
            return MboxMessageReader(mbox: MboxReader(handle: handle, maxMessageBytes: settings.maxMessageBytes),
                                     handle: handle, settings: settings, input: input)
        }
        try? handle.close()
        return SingleMessageReader(input: input, settings: settings)
    }

    /// One message's bytes to a parse event.
    static func event(for bytes: [UInt8], location: String?, input: RawInput, settings: EmailSettings) -> ParseEvent {
        let excerpt = String(decoding: bytes.prefix(300), as: UTF8.self)
        guard bytes.contains(where: { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 && $0 != 0x09 }) else {
            return .rejected(Rejection(reason: "empty message", location: location))
        }
        let message: MIMEPart
        do {
            message = try MIMEDecoder(limits: settings.limits).decode(bytes)
        } catch {
            return .rejected(Rejection(reason: "not a readable message: \(error)", location: location, excerpt: excerpt))
        }
        guard !message.headers.fields.isEmpty else {
            return .rejected(Rejection(reason: "no header fields (From, Subject, Date...): not an email message",
                                       location: location, excerpt: excerpt))
        }
        var draft = MailComplaintMapper(fallbackCharset: settings.defaultCharset).draft(message, raw: bytes, location: location)
        if let flags = Self.maildirFlags(input.originalName), location == nil {
            draft.attributes["maildir_flags"] = .string(flags.joined(separator: ","))
        }
        if let automated = draft.automated, settings.automated == .quarantine {
            return .rejected(Rejection(reason: "automated mail (\(automated.rawValue)) held by the channel's automated = \"quarantine\"",
                                       location: location, excerpt: excerpt, kind: .held))
        }
        return .complaint(draft)
    }

    /// Flags in a Maildir file name, nil for other names.
    static func maildirFlags(_ name: String) -> [String]? {
        guard name.contains(":2,") || name.contains(";2,") else { return nil }
        return MaildirSource.flags(fromFileName: name)
    }
}

/// A file holding one message (.eml, a Maildir file, stdin).
final class SingleMessageReader: ParseEventReader {
    private let input: RawInput
    private let settings: EmailSettings
    private var done = false

    init(input: RawInput, settings: EmailSettings) {
        self.input = input
        self.settings = settings
    }

    func next() throws -> ParseEvent? {
        guard !done else { return nil }
        done = true
        if input.size > settings.maxMessageBytes {
            return .rejected(Rejection(reason: "message of \(input.size) bytes is over max_message_bytes (\(settings.maxMessageBytes))"))
        }
        let bytes = [UInt8](try Data(contentsOf: input.url))
        return EmailParser.event(for: bytes, location: nil, input: input, settings: settings)
    }
}

/// An mbox, one message at a time.
final class MboxMessageReader: ParseEventReader {
    private let mbox: MboxReader
    private let handle: FileHandle
    private let settings: EmailSettings
    private let input: RawInput

    init(mbox: MboxReader, handle: FileHandle, settings: EmailSettings, input: RawInput) {
        self.mbox = mbox
        self.handle = handle
        self.settings = settings
        self.input = input
    }

    deinit {
        try? handle.close()
    }

    func next() throws -> ParseEvent? {
        guard let message = try mbox.next() else { return nil }
        let location = "message \(message.index) (byte \(message.offset))"
        guard let bytes = message.bytes else {
            return .rejected(Rejection(reason: "message of \(message.size) bytes is over max_message_bytes (\(settings.maxMessageBytes))",
                                       location: location, excerpt: message.separator))
        }
        return EmailParser.event(for: bytes, location: location, input: input, settings: settings)
    }
}
