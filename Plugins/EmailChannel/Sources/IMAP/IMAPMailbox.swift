import Foundation
import GatewayCore
import Synchronization

/// One IMAP folder as a `RemoteSource`: new messages by UID, in batches,
/// each fetched raw for the archive, flagged or moved only after its
/// complaint is committed.
///
/// The position is `UIDVALIDITY:UID` of the last message done. A changed
/// UIDVALIDITY (the server renumbered the folder) reads it again from the
/// start; messages already ingested are recognized by their bytes and skip.
final class IMAPMailbox: RemoteSource {
    let settings: IMAPSettings
    let folder: String
    let channel: String
    /// The open conversation, reused round after round; dropped after a failure.
    private let session = Mutex<IMAPSession?>(nil)
    /// libcurl blocks: its calls run here, never on the concurrency pool.
    private static let queue = DispatchQueue(label: "complaint-gateway.imap", attributes: .concurrent)

    init(settings: IMAPSettings, folder: String, channel: String) {
        self.settings = settings
        self.folder = folder
        self.channel = channel
    }

    var key: String { "imap:\(channel):\(settings.account.user)@\(settings.account.base)/\(folder)" }
    var displayName: String { "\(settings.account.base)/\(folder)" }
    var interval: Duration { settings.interval }
    var batchSize: Int { settings.batchSize }
    /// UIDs per SEARCH: at most about 7 KB of answer.
    static let searchWindow: UInt64 = 1000
    /// Windowed SEARCHes per round at most; past them one `UID SEARCH UID n:*`
    /// finds what lies beyond a gap, so a round's work is bounded whatever
    /// UIDNEXT a server claims.
    static let searchWindowsPerRound = 16

    /// The folder as a URL path segment.
    private var path: String { "/" + (folder.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? folder) }

    func pending(after position: String?, limit: Int) async throws -> [RemoteItem] {
        let folder = self.folder, path = self.path
        // Each round starts on a new connection: a server answers STATUS and
        // SEARCH on the folder a connection has selected from that connection's
        // view, which may not show mail delivered since (RFC 3501 6.3.10).
        session.withLock { $0 = nil }
        return try await run { session in
            let status = String(decoding: try session.perform(path: "/", command: "STATUS \"\(folder)\" (UIDVALIDITY UIDNEXT)"), as: UTF8.self)
            guard let validity = IMAPResponse.number(after: "UIDVALIDITY", in: status) else {
                throw IMAPSession.Failure(code: -1, description: "no UIDVALIDITY in the STATUS answer for \(folder)")
            }
            var first: UInt64 = 1
            if let position, let saved = IMAPPosition(position), saved.validity == validity { first = saved.uid + 1 }
            guard let next = IMAPResponse.number(after: "UIDNEXT", in: status) else {
                throw IMAPSession.Failure(code: -1, description: "no UIDNEXT in the STATUS answer for \(folder)")
            }
            // UIDs are 32-bit (RFC 3501 nz-number): anything larger is a broken or hostile server.
            guard validity <= UInt64(UInt32.max), next <= UInt64(UInt32.max) + 1 else {
                throw IMAPSession.Failure(code: -1, description: "absurd STATUS answer for \(folder) (UIDVALIDITY \(validity), UIDNEXT \(next)): "
                                          + "UIDs are 32-bit numbers")
            }
            // In windows of UIDs, so no answer line is long: with one SEARCH over a
            // folder of 10,000 (a 45 KB line) UIDs went missing through libcurl
            // here, and the fetches after it returned the wrong messages
            // (scripts/bench-imap); 2,000 at once (9 KB) were read right. A dense
            // folder fills a batch in the first window; a sparse one (a UIDNEXT far
            // past the last message) gets `searchWindowsPerRound` windows, then one
            // open-ended SEARCH, whose answer is short exactly because the range is sparse.
            var uids: [UInt64] = []
            var low = first
            var windows = 0
            while uids.count < limit && low < next {
                if windows == Self.searchWindowsPerRound {
                    let answer = String(decoding: try session.perform(path: path, command: "UID SEARCH UID \(low):*"), as: UTF8.self)
                    uids += IMAPResponse.searchResults(answer).filter { $0 >= low && $0 < next }.sorted().prefix(limit - uids.count)
                    break
                }
                let high = min(low + Self.searchWindow - 1, next - 1)
                let answer = String(decoding: try session.perform(path: path, command: "UID SEARCH UID \(low):\(high)"), as: UTF8.self)
                // "n:m" also matches the highest UID when all are below n: keep only the window's.
                uids += IMAPResponse.searchResults(answer).filter { $0 >= low && $0 <= high }.sorted()
                low = high + 1
                windows += 1
            }
            uids = Array(uids.prefix(limit))
            return uids.map { uid in
                RemoteItem(identifier: String(uid), position: IMAPPosition(validity: validity, uid: uid).description,
                           metadata: ["imap_folder": folder, "imap_uid": String(uid), "imap_uidvalidity": String(validity)])
            }
        }
    }

    func download(_ item: RemoteItem) async throws -> Data? {
        guard let position = IMAPPosition(item.position) else { return nil }
        let path = self.path
        return try await run { session in
            // With UIDVALIDITY in the URL, libcurl refuses a renumbered folder
            // rather than fetch another message under this UID.
            let data: Data
            do {
                data = try session.perform(path: "\(path);UIDVALIDITY=\(position.validity)/;UID=\(position.uid)")
            } catch let failure as IMAPSession.Failure {
                // A message expunged since the SEARCH: the server answers the
                // FETCH with no message, which libcurl reports as a parse failure.
                // Gone is not an error; anything else is.
                let answer = String(decoding: try session.perform(path: path, command: "UID SEARCH UID \(position.uid)"), as: UTF8.self)
                if IMAPResponse.searchResults(answer).contains(position.uid) { throw failure }
                return nil
            }
            return data.isEmpty ? nil : data
        }
    }

    func acknowledge(_ item: RemoteItem) async throws {
        guard let position = IMAPPosition(item.position) else { return }
        let command: String
        switch settings.afterIngest {
        case .keep: return
        case .seen: command = "UID STORE \(position.uid) +FLAGS (\\Seen)"
        case .move(let destination): command = "UID MOVE \(position.uid) \"\(destination)\""
        }
        let path = self.path
        _ = try await run { session in try session.perform(path: path, command: command) }
    }

    var securityWarnings: [String] {
        guard settings.account.base.hasPrefix("imap://"), settings.account.allowsInsecureLogin else { return [] }
        return ["\(settings.account.base): allow_insecure_login = true: the password is sent in clear text when the server offers no STARTTLS; use imaps://"]
    }

    func probe() async throws -> String {
        let folder = self.folder
        return try await run { session in
            let status = String(decoding: try session.perform(path: "/", command: "STATUS \"\(folder)\" (MESSAGES UNSEEN UIDVALIDITY UIDNEXT)"),
                                as: UTF8.self)
            let messages = IMAPResponse.number(after: "MESSAGES", in: status).map(String.init) ?? "?"
            let unseen = IMAPResponse.number(after: "UNSEEN", in: status).map(String.init) ?? "?"
            return "\(folder): \(messages) messages, \(unseen) unseen"
        }
    }

    /// Runs libcurl work off the concurrency pool, on this folder's session.
    private func run<T: Sendable>(_ body: @escaping @Sendable (IMAPSession) throws -> T) async throws -> T {
        let settings = self.settings
        return try await withCheckedThrowingContinuation { continuation in
            Self.queue.async {
                continuation.resume(with: Result {
                    try self.session.withLock { session throws -> T in
                        if session == nil {
                            session = try IMAPSession(account: settings.account, maxResponseBytes: settings.maxMessageBytes)
                        }
                        do {
                            return try body(session!)
                        } catch {
                            session = nil  // a new connection next time
                            throw error
                        }
                    }
                })
            }
        }
    }
}

/// `UIDVALIDITY:UID`, the saved position of an IMAP folder.
struct IMAPPosition: CustomStringConvertible {
    var validity: UInt64
    var uid: UInt64

    init(validity: UInt64, uid: UInt64) {
        self.validity = validity
        self.uid = uid
    }

    init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let v = UInt64(parts[0]), let u = UInt64(parts[1]) else { return nil }
        validity = v
        uid = u
    }

    var description: String { "\(validity):\(uid)" }
}

/// The few untagged answers read here.
enum IMAPResponse {
    /// The number after `name` in a STATUS or response-code answer (`UIDVALIDITY 1700000000`).
    static func number(after name: String, in text: String) -> UInt64? {
        guard let range = text.range(of: name + " ") else { return nil }
        return UInt64(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// The UIDs of `* SEARCH 4 7 9` lines.
    static func searchResults(_ text: String) -> [UInt64] {
        text.split(whereSeparator: \.isNewline).flatMap { line -> [UInt64] in
            guard line.hasPrefix("* SEARCH") else { return [] }
            return line.dropFirst("* SEARCH".count).split(separator: " ").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        }
    }
}
