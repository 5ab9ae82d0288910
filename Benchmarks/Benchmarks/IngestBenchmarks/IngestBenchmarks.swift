import Benchmark
import Foundation
import ComplaintModel
import GatewayCore
import SQLiteStore
import CallLogChannel

/// Stages of the call-log ingestion path, each measured on its own:
/// CSV parsing (bytes to records), the whole plugin (records to drafts),
/// normalization, canonical JSON, charset conversion, and SQLite batch commits.
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
