import Foundation
import PropertyBased
import Testing
@testable import GatewayCore
import GatewayTestSupport

/// Mutated configuration files through the loader: a configuration or a
/// list of located problems, never a crash or another error.
@Suite("Configuration fuzzing")
struct ConfigFuzzTests {
    static let seeds: [[UInt8]] = [
        (try? Data(contentsOf: RepositoryPaths.root.appendingPathComponent("channels.conf"))).map { Array($0) } ?? [],
        Array("""
            [storage]
            path = "var/c.sqlite"
            [server]
            listen = "127.0.0.1:8080"
            [dedup]
            window_days = 30
            [[channel]]
            name = "a"
            type = "lines"
            limit = 3
            tags = ["x"]
            """.utf8),
    ] + Fuzz.regressions("config")
    static let tokens: [[UInt8]] = ["[[channel]]\n", "name = \"x\"\n", "type = \"lines\"\n", "\"\"\"", "'''", "[storage]\n", "= ", "{ a = 1 }",
                                    "[", "]", "#", "\\u0000", "1e400", "99999999999999999999", "-0", "inf", "nan", "1979-05-27T07:32:00Z", "\n", ".", "\"\\"]
        .map { Array($0.utf8) }

    @Test("every kept crash input, as it was found, is refused with located problems")
    func regressions() {
        let inputs = Fuzz.regressions("config")
        #expect(inputs.count >= 3)
        for bytes in inputs {
            #expect(!TestChannels.problems(String(decoding: bytes, as: UTF8.self)).isEmpty)
        }
    }

    @Test("mutated files: loaded, or refused with located problems")
    func configs() async {
        await propertyCheck(count: Fuzz.cases, input: Fuzz.seed(of: Self.seeds.count), Fuzz.edits) { seed, edits in
            let bytes = Fuzz.mutate(Self.seeds[seed], with: edits, tokens: Self.tokens)
            Fuzz.record(bytes, target: "config")
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try TestChannels.load(text)
            } catch let error as ConfigError {
                #expect(!error.problems.isEmpty)
                #expect(error.problems.allSatisfy { !$0.message.isEmpty })
            } catch {
                Issue.record("not a configuration problem: \(error)")
            }
        }
    }
}
