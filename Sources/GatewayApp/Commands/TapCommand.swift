import ArgumentParser
import ComplaintModel
import Foundation
import GatewayCore

/// `complaint-gateway tap`: complaints (and quarantine entries) as they are
/// committed, read from the store while `serve` or another `ingest` writes.
struct TapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tap",
        abstract: "Print normalized complaints as they are committed, one JSON object per line, until interrupted.",
        discussion: """
            Starts at the end of the feed (or after --after) and follows it, reading the store \
            the running gateway writes (SQLite or PostgreSQL). Each line is a complaint/v1 \
            document, with a {"event": ..., "sequence": ...} envelope; with --quarantined, \
            quarantine entries print as {"quarantined": {...}} lines too. Customers' email, \
            phone and name are masked unless --pii. Ctrl-C stops it.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this channel.")
    var channel: String?

    @Flag(name: .long, help: "Also print quarantine entries as they are committed.")
    var quarantined = false

    @Flag(name: .long, help: "Show customers' email, phone and name unmasked.")
    var pii = false

    @Option(name: .long, help: "Start after this feed sequence instead of at the end.")
    var after: Int64?

    @Option(name: .long, help: ArgumentHelp("Seconds between looks at the store when nothing is new.", valueName: "seconds"))
    var interval: Double = 0.5

    func validate() throws {
        guard interval > 0 && interval <= 60 else { throw ValidationError("--interval takes 0 to 60 seconds") }
    }

    func run() async throws {
        _ = global.logger("complaint-gateway.tap")
        do {
            let env = try GatewayEnvironment.load(global)
            if let channel { _ = try env.channel(named: channel) }
            let store = try await env.openStore()
            let privacy = PersonalDataPolicy(channels: env.channels)
            var cursor: Int64
            if let after { cursor = after } else { cursor = try await store.latestFeedSequence() }
            var quarantineCursor = try await store.quarantined(limit: 1).first?.id ?? 0
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // On standard error, so standard output stays pure NDJSON.
            StandardError.write("tapping \(channel.map { "channel \($0)" } ?? "every channel") after feed sequence \(cursor)"
                                + "\(quarantined ? " and quarantine entry \(quarantineCursor)" : ""); Ctrl-C stops")
            while !Task.isCancelled {
                var lines: [UInt8] = []
                let events = try await store.feed(FeedQuery(after: cursor, limit: 500, channel: channel))
                for event in events {
                    switch event.body {
                    case .complaint(let stored):
                        let complaint = pii ? stored : PIIMask.apply(stored, policy: privacy)
                        lines += Array(#"{"event":"\#(event.type.rawValue)","sequence":\#(event.sequence),"complaint":"#.utf8)
                        ComplaintJSON.write(complaint, contentOnly: false, into: &lines)
                        lines += Array("}\n".utf8)
                    case .incident(let incident):
                        // Its samples are masked already.
                        lines += Array(#"{"event":"\#(event.type.rawValue)","sequence":\#(event.sequence),"incident":"#.utf8)
                        lines += Array(try encoder.encode(incident)) + Array("}\n".utf8)
                    case .customer(let signal):
                        // No personal data: the person is a keyed hash.
                        lines += Array(#"{"event":"\#(event.type.rawValue)","sequence":\#(event.sequence),"customer":"#.utf8)
                        lines += Array(try encoder.encode(signal)) + Array("}\n".utf8)
                    }
                }
                cursor = events.last?.sequence ?? cursor
                if quarantined {
                    let entries = try await store.quarantined(after: quarantineCursor, limit: 500)
                    for entry in entries where channel == nil || entry.channel == channel {
                        lines += Array(try Self.quarantineLine(entry, pii: pii, encoder: encoder).utf8)
                    }
                    quarantineCursor = entries.last?.id ?? quarantineCursor
                }
                if !lines.isEmpty { FileHandle.standardOutput.write(Data(lines)) }
                if events.count < 500 { try await Task.sleep(for: .milliseconds(Int(interval * 1000))) }
            }
        } catch is CancellationError {
            return
        } catch {
            throw GatewayExit.report(error)
        }
    }

    struct QuarantineLine: Encodable {
        var quarantined: QuarantineJSON
    }

    /// An excerpt is raw input and may name a customer: withheld unless --pii, the reason scrubbed.
    static func quarantineLine(_ e: QuarantineRecord, pii: Bool, encoder: JSONEncoder) throws -> String {
        String(decoding: try encoder.encode(QuarantineLine(quarantined: QuarantineJSON(e, masked: !pii))), as: UTF8.self) + "\n"
    }
}
