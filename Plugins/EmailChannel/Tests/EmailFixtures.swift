import Foundation
import ComplaintModel
import GatewayCore
import GatewayTestSupport
@testable import EmailChannel

/// The plugin's own fixtures (`Tests/Fixtures`), run through the channel parser.
enum EmailFixtures {
    static let folder = RepositoryPaths.root.appendingPathComponent("Plugins/EmailChannel/Tests/Fixtures")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// Every event the parser yields for a file.
    static func events(_ url: URL, settings: EmailSettings = EmailSettings()) throws -> [ParseEvent] {
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        let reader = try EmailParser(settings: settings).open(
            RawInput(url: url, sha256: "", size: size, mediaType: "message/rfc822", originalName: url.lastPathComponent))
        var events: [ParseEvent] = []
        while let event = try reader.next() { events.append(event) }
        return events
    }

    static func events(_ name: String, settings: EmailSettings = EmailSettings()) throws -> [ParseEvent] {
        try events(url(name), settings: settings)
    }

    /// The one complaint a fixture gives.
    static func draft(_ name: String, settings: EmailSettings = EmailSettings()) throws -> ComplaintDraft {
        let all = try events(name, settings: settings)
        guard all.count == 1, case .complaint(let draft) = all[0] else {
            throw Rejection(reason: "\(name): expected one complaint, got \(all)")
        }
        return draft
    }

    /// One message given as text (LF line ends unless written otherwise).
    static func draft(text: String) throws -> ComplaintDraft {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("email-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("message.eml")
        try Data(text.utf8).write(to: file)
        let all = try events(file)
        guard all.count == 1, case .complaint(let draft) = all[0] else {
            throw Rejection(reason: "expected one complaint, got \(all)")
        }
        return draft
    }
}

extension AttributeValue {
    /// The text of a string attribute, nil for other kinds.
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
