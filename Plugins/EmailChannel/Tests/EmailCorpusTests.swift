import Foundation
import Testing
import ComplaintModel
import ChannelSupport
import GatewayCore
import GatewayTestSupport
@testable import EmailChannel

/// Conformance over `../shared/corpus/email`: real messages from the test
/// suites of mime4j, stalwart mail-parser, Kopano, demisto, php-imap and
/// CPython, checked against those projects' own expectations. Each test
/// prints its pass rate; the asserted minimums are what this parser reaches
/// today, so a regression fails and an improvement is free to raise them.
@Suite("Email corpus", .enabled(if: RepositoryPaths.hasCorpus, "needs ../shared/corpus"))
struct EmailCorpusTests {
    static let root = RepositoryPaths.corpusFile("email")!

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    /// Every input of the corpus parses, through the channel parser, without a
    /// crash or a hang (each under 5 seconds), into a complaint or a quarantine entry.
    @Test func everyInputParses() throws {
        struct Entry: Decodable { var file: String; var role: String }
        let manifest = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: Self.root.appendingPathComponent("MANIFEST.json")))
        let inputs = manifest.filter { $0.role == "input" }.map(\.file)
            .filter { FileManager.default.fileExists(atPath: Self.root.appendingPathComponent($0).path) }
        #expect(inputs.count > 300)
        var perFolder: [String: (complaints: Int, quarantined: Int)] = [:]
        var slowest: (String, Double) = ("", 0)
        for file in inputs {
            let url = Self.root.appendingPathComponent(file)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
            let input = RawInput(url: url, sha256: "", size: size, mediaType: "message/rfc822", originalName: url.lastPathComponent)
            let start = Date()
            let reader = try EmailParser().open(input)
            let folder = String(file.split(separator: "/").first!)
            while let event = try reader.next() {
                switch event {
                case .complaint: perFolder[folder, default: (0, 0)].complaints += 1
                case .rejected: perFolder[folder, default: (0, 0)].quarantined += 1
                case .skipped: break
                }
            }
            let elapsed = Date().timeIntervalSince(start)
            if elapsed > slowest.1 { slowest = (file, elapsed) }
            #expect(elapsed < 5, "\(file) took \(elapsed) s")
        }
        for (folder, counts) in perFolder.sorted(by: { $0.key < $1.key }) {
            print("email corpus \(folder): \(counts.complaints) complaints, \(counts.quarantined) quarantined")
        }
        print("email corpus: slowest input \(slowest.0) \(String(format: "%.3f", slowest.1)) s")
    }

    /// mime4j: every decoded leaf part equals `X_decoded_<path>.txt|.bin` byte for byte.
    @Test func mime4jDecodedParts() throws {
        var passed = 0, total = 0
        var failures: [String] = []
        for folder in ["mime4j/testmsgs", "mime4j/mimetools-testmsgs"] {
            let dir = Self.root.appendingPathComponent(folder)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            for name in names.sorted() where name.hasSuffix(".msg") {
                let base = String(name.dropLast(4))
                // The parts the oracle's tree names (a few stale files lie beside them).
                guard let xml = try? String(contentsOf: dir.appendingPathComponent(base + "_decoded.xml"), encoding: .utf8) else { continue }
                let expected = xml.components(separatedBy: "name=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
                    .filter { $0.hasPrefix(base + "_decoded_") }
                guard !expected.isEmpty else { continue }
                total += 1
                let message = try MIMEDecoder().decode(Self.bytes("\(folder)/\(name)"))
                var mine: [String: [UInt8]] = [:]
                Self.leaves(message, path: [1]) { path, part in mine[path.map(String.init).joined(separator: "_")] = part.decodedBody() }
                var ok = true
                for file in expected {
                    let key = String(file.dropFirst(base.count + "_decoded_".count).dropLast(4))
                    let want = try Self.bytes("\(folder)/\(file)")
                    if mine[key] != want {
                        ok = false
                        failures.append("\(folder)/\(name) part \(key): \(mine[key].map { "\($0.count) bytes" } ?? "missing"), expected \(want.count)")
                    }
                }
                if ok { passed += 1 }
            }
        }
        print("email corpus mime4j decoded parts: \(passed)/\(total) messages match byte for byte")
        for failure in failures { print("  differs: \(failure)") }
        #expect(total >= 70)
        #expect(passed >= Self.minimum["mime4j"]!)
    }

    /// mime4j numbers leaves 1-based through the tree; an embedded message adds a level.
    static func leaves(_ part: MIMEPart, path: [Int], _ body: ([Int], MIMEPart) -> Void) {
        switch part.kind {
        case .leaf: body(path, part)
        case .multipart:
            for (i, child) in part.children.enumerated() { leaves(child, path: path + [i + 1], body) }
        case .message:
            for child in part.children { leaves(child, path: path + [1], body) }
        }
    }

    /// The mbox splits into exactly its five messages, byte for byte.
    @Test func mboxSplitsIntoItsMessages() throws {
        let handle = try FileHandle(forReadingFrom: Self.root.appendingPathComponent("mime4j/mbox/mbox.rlug"))
        let reader = MboxReader(handle: handle, maxMessageBytes: 1 << 20)
        var messages: [[UInt8]] = []
        while let message = try reader.next() { messages.append(try #require(message.bytes)) }
        #expect(messages.count == 5)
        for (i, message) in messages.enumerated() {
            #expect(message == (try Self.bytes("mime4j/mbox/mbox.rlug-\(i)")), "message \(i)")
        }
    }

    /// demisto's Chinese mails (GB2312, GBK, Big5, ISO-2022-JP, raw UTF-8) give the transcribed text.
    @Test func demistoChineseMails() throws {
        struct References: Decodable { var transcribed_expectations: [String: [String: AnyValue]] }
        let refs = try JSONDecoder().decode(References.self, from: Data(contentsOf: Self.root.appendingPathComponent("demisto/TEST_REFERENCES.json")))
        var checked = 0
        for (file, expectation) in refs.transcribed_expectations.sorted(by: { $0.key < $1.key }) {
            let draft = try Self.draft("demisto/\(file)")
            if case .string(let text)? = expectation["Text"] {
                checked += 1
                let want = text.replacingOccurrences(of: "\r\n", with: "\n")
                let plain = Self.plainText(try Self.bytes("demisto/\(file)")).replacingOccurrences(of: "\r\n", with: "\n")
                #expect(draft.body == want.trimmingCharacters(in: .whitespacesAndNewlines) || plain.contains(want), "\(file): \(draft.body)")
            }
            if case .string(let name)? = expectation["Attachments"] {
                #expect(draft.attachments.contains { $0.filename == name }, "\(file): \(draft.attachments.map(\.filename))")
            }
        }
        #expect(checked == 5)
    }

    /// Kopano: decoded subjects and senders (GB2312 words with GBK-only characters,
    /// raw Big5 headers), bodies.
    @Test func kopanoExpectations() throws {
        struct Expected: Decodable { var expected: [String: [String: AnyValue]] }
        let all = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.root.appendingPathComponent("kopano/EXPECTED.json"))).expected
        var passed = 0, total = 0
        for (file, e) in all.sorted(by: { $0.key < $1.key }) {
            guard FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("kopano/\(file)").path) else { continue }
            let draft = try Self.draft("kopano/\(file)")
            let text = Self.plainText(try Self.bytes("kopano/\(file)"))
            var checks: [(String, Bool)] = []
            if case .string(let s)? = e["subject"] { checks.append(("subject", draft.subject == s)) }
            if case .string(let s)? = e["subject_if_decoded_as_big5"] { checks.append(("subject", draft.subject == s)) }
            if case .string(let s)? = e["sender_name"] { checks.append(("sender", draft.customer.name == s)) }
            if case .string(let s)? = e["body"] { checks.append(("body", text.contains(s) || draft.body.contains(s))) }
            if case .string(let s)? = e["body_contains"] { checks.append(("body_contains", text.contains(s) || draft.body.contains(s))) }
            if case .array(let options)? = e["body_contains_one_of"] {
                checks.append(("body_contains_one_of", options.contains { if case .string(let s) = $0 { text.contains(s) } else { false } }))
            }
            guard !checks.isEmpty else { continue }
            total += 1
            if checks.allSatisfy(\.1) { passed += 1 } else {
                print("  kopano \(file): failed \(checks.filter { !$0.1 }.map(\.0)); subject \(draft.subject ?? "nil") sender \(draft.customer.name ?? "nil")")
            }
        }
        print("email corpus kopano: \(passed)/\(total) messages meet every expectation")
        // The two Chinese ones must pass.
        #expect(try Self.draft("kopano/gb2312_18030.eml").customer.name == "梁祐晟")
        #expect(try Self.draft("kopano/big5.eml").subject == "養樂多線上訂購")
        #expect(passed >= Self.minimum["kopano"]!)
    }

    /// stalwart mail-parser's dumps: subject, From address, Date, text body and attachment names.
    @Test func stalwartExpectations() throws {
        var results: [String: (passed: Int, total: Int)] = [:]
        for folder in ["rfc", "legacy", "malformed", "thirdparty"] {
            let dir = Self.root.appendingPathComponent("stalwart/eml/\(folder)")
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".eml") {
                let jsonURL = dir.appendingPathComponent(String(name.dropLast(4)) + ".json")
                guard let json = try? JSONSerialization.jsonObject(with: Data(contentsOf: jsonURL)) as? [String: Any] else { continue }
                let raw = try Self.bytes("stalwart/eml/\(folder)/\(name)")
                let failures = StalwartOracle.compare(raw: raw, expected: json)
                results[folder, default: (0, 0)].total += 1
                if failures.isEmpty { results[folder, default: (0, 0)].passed += 1 } else {
                    print("  stalwart \(folder)/\(name): \(failures.joined(separator: "; "))")
                }
            }
        }
        var passed = 0
        for (folder, r) in results.sorted(by: { $0.key < $1.key }) {
            print("email corpus stalwart/\(folder): \(r.passed)/\(r.total)")
            passed += r.passed
        }
        #expect(results.values.reduce(0) { $0 + $1.total } >= 100)
        #expect(passed >= Self.minimum["stalwart"]!)
    }

    /// php-imap's fixture asserts: subject, text body, date (UTC), From and
    /// attachment names and sizes.
    @Test func webklexExpectations() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.root.appendingPathComponent("webklex/EXPECTED.json"))) as! [String: Any]
        let fixtures = json["by_fixture"] as! [String: [[String: Any]]]
        var passed = 0, total = 0, checks = 0
        let utc: DateFormatter = {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyy-MM-dd HH:mm:ss"
            return f
        }()
        for (file, tests) in fixtures.sorted(by: { $0.key < $1.key }) {
            let url = Self.root.appendingPathComponent("webklex/\(file)")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let raw = try Self.bytes("webklex/\(file)")
            guard let message = try? MIMEDecoder().decode(raw) else { continue }
            let draft = try Self.draft("webklex/\(file)")
            let plain = Self.plainOnly(raw)
            var failures: [String] = []
            var attachmentIndex = 0
            for assertion in tests.flatMap({ $0["assertions"] as? [[String: Any]] ?? [] }) {
                guard let accessor = assertion["accessor"] as? String, let expected = assertion["expected"] else { continue }
                let want = "\(expected)"
                switch accessor {
                case "$message->subject", "$message->getSubject()":
                    checks += 1
                    if (draft.subject ?? "") != want { failures.append("subject \(draft.subject ?? "nil") ≠ \(want)") }
                case "$message->getTextBody()":
                    checks += 1
                    if StalwartOracle.normalize(plain) != StalwartOracle.normalize(want) {
                        failures.append("text \(plain.prefix(40).debugDescription) ≠ \(want.prefix(40).debugDescription)")
                    }
                case let a where a.hasPrefix("$message->date->first()"):
                    checks += 1
                    let got = message.headers.ascii("Date").flatMap(InternetDate.parse).map { utc.string(from: $0.date) }
                    if got != want { failures.append("date \(got ?? "nil") ≠ \(want)") }
                case "$message->from->first()->mail":
                    checks += 1
                    if draft.attributes["from"]?.stringValue ?? draft.customer.email != want { failures.append("from \(draft.customer.email ?? "nil") ≠ \(want)") }
                // php-imap names unnamed parts by a hash, and its sizes are of the encoded bytes.
                case "$attachment->name" where !want.isEmpty && want.range(of: "^[0-9a-f]{8}$", options: .regularExpression) == nil:
                    checks += 1
                    if !draft.attachments.contains(where: { $0.filename == want }) {
                        failures.append("attachment \(want) not in \(draft.attachments.map { $0.filename ?? "nil" })")
                    }
                    attachmentIndex += 1
                default: continue
                }
            }
            total += 1
            if failures.isEmpty { passed += 1 } else { print("  webklex \(file): \(failures.joined(separator: "; "))") }
        }
        print("email corpus webklex: \(passed)/\(total) fixtures meet every checked expectation (\(checks) checks)")
        #expect(passed >= Self.minimum["webklex"]!)
    }

    /// The Maildir++ tree: six messages in three folders with their flags (`;2,` separators).
    @Test func stalwartMaildir() throws {
        let messages = try MaildirSource.messages(in: Self.root.appendingPathComponent("stalwart/maildir"))
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.root.appendingPathComponent("stalwart/maildir.EXPECTED.json"))) as! [String: Any]
        let entries = expected["expected"] as! [[String: Any]]
        #expect(messages.count == entries.count)
        for entry in entries {
            let file = entry["file"] as! String
            let found = messages.first { $0.url.path.hasSuffix("/" + file) }
            #expect(found?.folder == entry["folder"] as? String, "\(file)")
            #expect(found?.flags == entry["flags"] as? [String], "\(file)")
        }
    }

    // MARK: - Helpers

    /// Minimum passes asserted (measured at the commit that added them).
    static let minimum: [String: Int] = ["mime4j": 66, "kopano": 11, "stalwart": 99, "webklex": 36]

    static func draft(_ relative: String) throws -> ComplaintDraft {
        let url = root.appendingPathComponent(relative)
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        let reader = try EmailParser().open(RawInput(url: url, sha256: "", size: size, mediaType: "message/rfc822",
                                                     originalName: url.lastPathComponent))
        guard case .complaint(let draft)? = try reader.next() else {
            throw Rejection(reason: "\(relative) did not give a complaint")
        }
        return draft
    }

    /// php-imap's text body: the text/plain parts only, decoded, joined.
    static func plainOnly(_ raw: [UInt8]) -> String {
        guard let message = try? MIMEDecoder().decode(raw) else { return "" }
        var warnings: [String] = []
        return MailComplaintMapper.bodyParts(message).filter { $0.part.contentType == "text/plain" }.map { part in
            LabelledTextDecoder.decode(part.part.decodedBody(), label: part.part.charsetLabel,
                                   fallback: Charset(label: "gb18030")!, what: "body", warnings: &warnings)
        }.joined()
    }

    /// The decoded text/plain body parts, joined (the text before quote trimming).
    static func plainText(_ raw: [UInt8]) -> String {
        guard let message = try? MIMEDecoder().decode(raw) else { return "" }
        var warnings: [String] = []
        return MailComplaintMapper.bodyParts(message).map { part in
            let text = LabelledTextDecoder.decode(part.part.decodedBody(), label: part.part.charsetLabel,
                                              fallback: Charset(label: "gb18030")!, what: "body", warnings: &warnings)
            return part.part.contentType == "text/html" ? HTMLText.text(text) : text
        }.joined(separator: "\n")
    }
}

/// A JSON value of any kind, for expectation files.
enum AnyValue: Decodable {
    case string(String), number(Double), bool(Bool), array([AnyValue]), object([String: AnyValue]), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([AnyValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: AnyValue].self)) }
    }
}
