import Foundation
import PropertyBased
import Testing
import GatewayCore
import GatewayTestSupport
@testable import CallLogChannel

/// Mutated real call logs through the CSV reader (fed in chunks of every
/// size) and the whole channel parser: no crash, bounded records, every row a
/// complaint, a skipped call or a quarantine entry.
@Suite("Call-log fuzzing")
struct CallLogFuzzTests {
    static let seeds = Fuzz.seeds(in: fixtures) + Fuzz.regressions("csv")
    static let tokens: [[UInt8]] = ["\"", "\"\"", ",", "\r\n", "\r", "\n", ",\"a\nb\",", "\u{FEFF}", "\u{0}", "\u{FF}\u{FE}", "=", "2026-13-40 25:61:61"]
        .map { Array($0.utf8) }

    @Test("the CSV reader: records bounded by the input, whatever the chunking")
    func csvReader() async {
        await propertyCheck(count: Fuzz.cases, input: Fuzz.seed(of: Self.seeds.count), Fuzz.edits, Gen.int(in: 1...4096)) { seed, edits, chunk in
            let bytes = Fuzz.mutate(Self.seeds[seed], with: edits, tokens: Self.tokens)
            Fuzz.record(bytes, target: "csv")
            var reader = CSVRecordReader(maxRecordBytes: 4096)
            var events: [CSVEvent] = []
            var offset = 0
            repeat {
                let end = min(bytes.count, offset + chunk)
                reader.feed(Array(bytes[offset..<end]))
                while let event = reader.nextEvent() { events.append(event) }
                offset = end
            } while offset < bytes.count
            reader.finish()
            while let event = reader.nextEvent() { events.append(event) }
            let lines = bytes.filter { $0 == 0x0A || $0 == 0x0D }.count + 1
            #expect(events.count <= lines)
            for case .record(let record) in events {
                #expect(record.fields.map(\.utf8.count).reduce(0, +) <= bytes.count * 3)
            }
        }
    }

    @Test("the channel parser (Asterisk and a mapped GBK export): every event is a complaint, a skip or a quarantine entry")
    func parser() async throws {
        let dir = try TemporaryDirectory("fuzz-csv")
        let settings = [
            "format = \"asterisk\"\ntime_zone = \"Asia/Shanghai\"\nmatch_queues = [\"complaints\"]",
            "format = \"mapped\"\nencoding = \"gbk\"\ncolumns = { id = \"工单号\", caller_number = \"主叫号码\", start = \"开始时间\", notes = \"通话小结\" }",
        ]
        await propertyCheck(count: Fuzz.cases, input: Fuzz.seed(of: Self.seeds.count), Fuzz.edits, Gen.int(in: 0...1)) { seed, edits, layout in
            let bytes = Fuzz.mutate(Self.seeds[seed], with: edits, tokens: Self.tokens)
            Fuzz.record(bytes, target: "csv")
            let file = dir.url.appendingPathComponent("calls.csv")
            do {
                try Data(bytes).write(to: file)
                let events = try parseCallLog(file, settings[layout])
                #expect(events.count <= bytes.filter { $0 == 0x0A || $0 == 0x0D }.count + 1)
            } catch is Rejection {
                // The whole file quarantined with a reason: allowed.
            } catch {
                Issue.record("not a quarantine reason: \(error)")
            }
        }
    }
}
