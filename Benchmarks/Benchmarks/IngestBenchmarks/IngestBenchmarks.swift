import Benchmark
import Foundation
import ComplaintModel
import GatewayCore
import SQLiteStore
import CallLogChannel

/// Stages of the call-log ingestion path, each measured on its own:
/// CSV parsing (bytes to records), the whole plugin (records to drafts),
/// normalization, canonical JSON, charset conversion, SQLite batch commits,
/// and the dedup stage's lookups against a populated store.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        maxDuration: .seconds(5),
        maxIterations: 50
    )

    let rows = 10_000
    let csv = Fixture.cdrCSV(rows: rows)

    Benchmark("CSV reader: 10k CDR rows") { benchmark in
        for _ in benchmark.scaledIterations {
            var reader = CSVRecordReader()
            var records = 0
            reader.feed(csv)
            reader.finish()
            while let event = reader.nextEvent() {
                if case .record = event { records += 1 }
            }
            blackHole(records)
        }
    }

    Benchmark("call_log plugin: 10k CDR rows to drafts") { benchmark in
        let (url, channel) = try Fixture.channel(csv: csv)
        defer { try? FileManager.default.removeItem(at: url) }
        let input = RawInput(url: url, sha256: "", size: csv.count, mediaType: "text/csv", originalName: "bench.csv")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let reader = try channel.parser.open(input)
            var n = 0
            while let e = try reader.next() { if case .complaint = e { n += 1 } }
            blackHole(n)
        }
    }

    Benchmark("Normalizer: 1k drafts (id, NFC, fingerprint)") { benchmark in
        let drafts = Fixture.drafts(1000)
        let normalizer = Normalizer()
        let ref = ChannelRef(name: "pbx", type: "call_log")
        let raw = RawInput(url: URL(fileURLWithPath: "/dev/null"), sha256: String(repeating: "a", count: 64), size: 1,
                           mediaType: "text/csv", originalName: "x")
        let now = Date()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for d in drafts { blackHole(normalizer.normalize(d, channel: ref, raw: raw, receivedAt: now)) }
        }
    }

    Benchmark("ComplaintJSON vs JSONEncoder: 1k complaints") { benchmark in
        let complaints = Fixture.complaints(1000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for c in complaints { blackHole(ComplaintJSON.data(c)) }
        }
    }

    Benchmark("JSONEncoder (reference): 1k complaints") { benchmark in
        let complaints = Fixture.complaints(1000)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for c in complaints { blackHole(try encoder.encode(c)) }
        }
    }

    Benchmark("iconv GB18030 to UTF-8: 1 MB") { benchmark in
        let text = String(repeating: "客户投诉宽带断网三天，要求减免月租。Router outage. ", count: 20_000)
        let gbk = Fixture.encodeGB18030(text)
        let charset = Charset(label: "gbk")!
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try IconvConverter.decode(gbk, charset: charset))
        }
    }

    Benchmark("SQLite commit: batches of 2,000 new complaints") { benchmark in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cg-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteComplaintStore(path: dir.appendingPathComponent("c.sqlite"))
        let object = ArchivedObject(sha256: String(repeating: "b", count: 64), size: 1, url: dir, isNew: true)
        let ingestion = try await store.beginIngestion(IngestionStart(
            channel: ChannelRef(name: "pbx", type: "call_log"), object: object, mediaType: "text/csv",
            sourceName: "bench", receivedAt: Date()))
        let normalizer = Normalizer()
        let raw = RawInput(url: dir, sha256: object.sha256, size: 1, mediaType: "text/csv", originalName: "bench")
        var next = 0
        for _ in benchmark.scaledIterations {
            let batch = Fixture.drafts(2000, offset: next).map {
                normalizer.normalize($0, channel: ChannelRef(name: "pbx", type: "call_log"), raw: raw, receivedAt: Date())
            }
            next += 2000
            benchmark.startMeasurement()
            blackHole(try await store.commit(batch, quarantine: [], ingestion: ingestion, dedup: ExactDedupStage()))
            benchmark.stopMeasurement()
        }
    }

    // The dedup stage's lookups (identities, the customer's recent complaints,
    // LSH buckets) for new complaints against a store of 20,000, without
    // writing: `preview` decides exactly as a commit would, then rolls back.
    Benchmark("Dedup lookup: 1k complaints against 20k stored (SQLite)",
              configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .milliseconds,
                                   maxDuration: .seconds(10), maxIterations: 20),
              closure: { benchmark in
                  let fixture = try await DedupLookupFixture.shared.prepared()
                  benchmark.startMeasurement()
                  for _ in benchmark.scaledIterations {
                      blackHole(try await fixture.store.preview(fixture.probe, dedup: fixture.stage))
                  }
              },
              setup: { _ = try await DedupLookupFixture.shared.prepared() },
              teardown: { await DedupLookupFixture.shared.remove() })
}

/// A store of 20,000 complaints committed through the dedup stage, built once
/// (outside the measurement) and shared by the iterations.
actor DedupLookupFixture {
    static let shared = DedupLookupFixture()

    struct Prepared: Sendable {
        let store: SQLiteComplaintStore
        let stage: ComplaintDedupStage
        let probe: [NormalizedComplaint]
    }

    private var prepared: Prepared?
    private let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cg-bench-dedup-\(UUID().uuidString)")

    func prepared() async throws -> Prepared {
        if let prepared { return prepared }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteComplaintStore(path: dir.appendingPathComponent("c.sqlite"))
        let stage = ComplaintDedupStage()
        let object = ArchivedObject(sha256: String(repeating: "d", count: 64), size: 1, url: dir, isNew: true)
        let ingestion = try await store.beginIngestion(IngestionStart(
            channel: ChannelRef(name: "pbx", type: "call_log"), object: object, mediaType: "text/csv",
            sourceName: "bench", receivedAt: Date()))
        for offset in stride(from: 0, to: 20_000, by: 2_000) {
            _ = try await store.commit(Fixture.normalized(Fixture.variedDrafts(2_000, offset: offset)), quarantine: [],
                                       ingestion: ingestion, dedup: stage)
        }
        let ready = Prepared(store: store, stage: stage, probe: Fixture.normalized(Fixture.variedDrafts(1_000, offset: 20_000)))
        prepared = ready
        return ready
    }

    func remove() {
        prepared = nil
        try? FileManager.default.removeItem(at: dir)
    }
}

/// Inputs made in memory, the same for every run.
enum Fixture {
    static func cdrCSV(rows: Int) -> [UInt8] {
        var s = ""
        for n in 0..<rows {
            let note = n % 3 == 0 ? "账单多扣了两次月费，\"客服\"没有回复\n已登记" : "Router outage, wants a refund"
            s += "\"\",\"1380013\(String(format: "%04d", n % 10_000))\",\"600\",\"from-pstn\",\"\"\"Caller\"\" <138>\","
            s += "\"SIP/t-\(n)\",\"SIP/agent-\(n)\",\"Queue\",\"complaints,t\",\"2026-11-20 09:00:00\",\"2026-11-20 09:00:05\","
            s += "\"2026-11-20 09:05:00\",300,295,\"ANSWERED\",\"DOCUMENTATION\",\"\(n).1\",\"\(note.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
        }
        return Array(s.utf8)
    }

    static func channel(csv: [UInt8]) throws -> (URL, ConfiguredChannel) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cg-bench-\(UUID().uuidString).csv")
        try Data(csv).write(to: url)
        let loaded = try ConfigLoader(registry: PluginRegistry([CallLogPlugin()])).load(
            text: "[[channel]]\nname = \"pbx\"\ntype = \"call_log\"\nformat = \"asterisk\"\ntime_zone = \"Asia/Shanghai\"\n",
            file: "bench", baseDirectory: FileManager.default.temporaryDirectory)
        return (url, loaded.channels[0])
    }

    static func drafts(_ count: Int, offset: Int = 0) -> [ComplaintDraft] {
        (offset..<offset + count).map { n in
            var attributes: [String: AttributeValue] = [:]
            attributes["queue"] = .string("complaints")
            attributes["disposition"] = .string("ANSWERED")
            attributes["duration_seconds"] = .int(300)
            attributes["agent"] = .string("SIP/agent-\(n)")
            attributes["billsec"] = .string("295")
            attributes["dcontext"] = .string("from-pstn")
            attributes["lastapp"] = .string("Queue")
            let body = n % 2 == 0 ? "账单多扣了两次月费，要求退款。客服一直没有回复。" : "Router outage three days in a row, wants a refund"
            let customer = Customer(name: "Caller \(n)", phone: "+86138" + String(format: "%08d", n))
            return ComplaintDraft(
                sourceID: "\(n).1#abcdef", occurredAt: Date(timeIntervalSince1970: 1_763_600_000 + Double(n)),
                customer: customer, body: body, attributes: attributes, location: "line \(n + 1)")
        }
    }

    /// Drafts with texts as varied as real ones: six templates with order
    /// numbers, amounts and dates, 4,000 customers (so some repeat), one in
    /// ten a re-send of an earlier complaint of the same customer.
    static func variedDrafts(_ count: Int, offset: Int) -> [ComplaintDraft] {
        let templates = [
            "我的宽带从%d号开始经常断线，晚上几乎无法使用，工单号%d，请尽快派人维修。",
            "本月账单多扣了%d元，我没有订购过任何增值业务，订单%d，要求退还多收的费用。",
            "订单%d买的路由器收到时外包装破损，机器无法开机，已经%d天了没人处理。",
            "My bill of the %dth charged me %d for a roaming package I never ordered. I want a refund.",
            "Order %d arrived %d days late with a cracked phone and nobody answers the hotline.",
            "小区这周已经第%d次停电了，每次都没有提前通知，户号%d，家里老人受到影响。",
        ]
        return (offset..<offset + count).map { n in
            let seed = n % 10 == 9 ? n - 9 : n  // a re-send repeats the text of the complaint nine before
            let body = String(format: templates[seed % templates.count], seed % 28 + 1, 100_000 + seed * 7)
            let customer = Customer(name: "Caller \(n % 4_000)", phone: "+86138" + String(format: "%08d", n % 4_000))
            return ComplaintDraft(sourceID: "v\(n)", occurredAt: Date(timeIntervalSince1970: 1_763_600_000 + Double(n) * 30),
                                  customer: customer, body: body, attributes: [:], location: "line \(n + 1)")
        }
    }

    static func normalized(_ drafts: [ComplaintDraft]) -> [NormalizedComplaint] {
        let normalizer = Normalizer()
        let raw = RawInput(url: URL(fileURLWithPath: "/dev/null"), sha256: String(repeating: "d", count: 64), size: 1,
                           mediaType: "text/csv", originalName: "bench")
        return drafts.map { normalizer.normalize($0, channel: ChannelRef(name: "pbx", type: "call_log"), raw: raw, receivedAt: Date()) }
    }

    static func complaints(_ count: Int) -> [Complaint] {
        let normalizer = Normalizer()
        let raw = RawInput(url: URL(fileURLWithPath: "/dev/null"), sha256: String(repeating: "a", count: 64), size: 1,
                           mediaType: "text/csv", originalName: "x")
        return drafts(count).map { normalizer.normalize($0, channel: ChannelRef(name: "pbx", type: "call_log"), raw: raw, receivedAt: Date()).complaint }
    }

    static func encodeGB18030(_ text: String) -> [UInt8] {
        // iconv in the other direction, so the benchmark carries no binary fixture.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(text.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
