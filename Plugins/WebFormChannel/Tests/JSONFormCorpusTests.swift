import Foundation
import Testing
@testable import WebFormChannel
import GatewayTestSupport

/// JSONTestSuite: `n_` documents must be refused as invalid JSON, `y_`
/// documents must parse (refused only for not being a flat object of fields),
/// and nothing may crash, including 100,000 nested brackets.
@Suite("JSONTestSuite on form posts", .enabled(if: RepositoryPaths.hasCorpus, "needs ../shared/corpus"))
struct JSONFormCorpusTests {
    static func files(prefix: String) -> [String] {
        guard let dir = RepositoryPaths.corpusFile("forms/json/JSONTestSuite/test_parsing"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }

    static func decode(_ name: String) throws -> Result<[FormField], JSONFormDecoder.DecodingError> {
        let dir = try #require(RepositoryPaths.corpusFile("forms/json/JSONTestSuite/test_parsing"))
        let body = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
        do {
            return .success(try JSONFormDecoder().decode(body))
        } catch {
            return .failure(error)
        }
    }

    @Test("n_ documents are refused")
    func mustReject() throws {
        let names = Self.files(prefix: "n_")
        #expect(names.count > 150)
        var accepted: [String] = []
        for name in names {
            if case .success = try Self.decode(name) { accepted.append(name) }
        }
        #expect(accepted.isEmpty, "accepted invalid JSON: \(accepted)")
    }

    @Test("y_ documents are valid JSON to the decoder")
    func mustAccept() throws {
        let names = Self.files(prefix: "y_")
        #expect(names.count > 90)
        var misread: [String] = []
        for name in names {
            if case .failure(let error) = try Self.decode(name), error.reason.contains("not valid JSON") { misread.append("\(name): \(error)") }
        }
        #expect(misread.isEmpty, "valid JSON refused as invalid: \(misread)")
    }

    @Test("i_ documents never crash")
    func implementationDefined() throws {
        for name in Self.files(prefix: "i_") { _ = try Self.decode(name) }
    }
}
