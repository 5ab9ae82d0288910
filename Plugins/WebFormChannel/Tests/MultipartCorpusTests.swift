import Foundation
import Testing
@testable import WebFormChannel
import GatewayTestSupport

/// python-multipart's conformance cases: each `.http` body with its `.yaml`
/// oracle (the expected parts, or an error at a byte offset).
@Suite("python-multipart conformance", .enabled(if: RepositoryPaths.hasCorpus, "needs ../shared/corpus"))
struct MultipartCorpusTests {
    struct Expected {
        var boundary = ""
        var error: Int?
        var parts: [(name: String, type: String, fileName: String?, contentType: String?, data: [UInt8])] = []
    }

    /// Reads the small YAML subset these oracles use.
    static func oracle(_ url: URL) throws -> Expected {
        var expected = Expected()
        var current: (name: String, type: String, fileName: String?, contentType: String?, data: [UInt8])? = nil
        var base64: String? = nil
        func unquote(_ s: Substring) -> String {
            var t = s.trimmingCharacters(in: .whitespaces)
            if t.count >= 2, (t.hasPrefix("'") && t.hasSuffix("'")) || (t.hasPrefix("\"") && t.hasSuffix("\"")) { t = String(t.dropFirst().dropLast()) }
            return t
        }
        func closePart() {
            if var part = current {
                if let b = base64 { part.data = Array(Data(base64Encoded: b) ?? Data()) }
                expected.parts.append(part)
            }
            current = nil
            base64 = nil
        }
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("boundary:") { expected.boundary = unquote(line.dropFirst("boundary:".count)); continue }
            if t.hasPrefix("error:") { expected.error = Int(t.dropFirst(6).trimmingCharacters(in: .whitespaces)); continue }
            if t.hasPrefix("- name:") {
                closePart()
                current = (unquote(t.dropFirst(7)), "", nil, nil, [])
            } else if t.hasPrefix("type:") { current?.type = unquote(t.dropFirst(5)) }
            else if t.hasPrefix("file_name:") { current?.fileName = unquote(t.dropFirst(10)) }
            else if t.hasPrefix("content_type:") { current?.contentType = unquote(t.dropFirst(13)) }
            else if t.hasPrefix("data:") { base64 = "" }
            else if base64 != nil, !t.isEmpty { base64! += t }
        }
        closePart()
        return expected
    }

    static var cases: [String] {
        guard let dir = RepositoryPaths.corpusFile("forms/python-multipart"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasSuffix(".http") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test("every case gives the expected parts or an error", arguments: cases)
    func conformance(_ name: String) throws {
        let dir = try #require(RepositoryPaths.corpusFile("forms/python-multipart"))
        let expected = try Self.oracle(dir.appendingPathComponent("\(name).yaml"))
        let body = [UInt8](try Data(contentsOf: dir.appendingPathComponent("\(name).http")))
        let decoder = MultipartFormDecoder(boundary: expected.boundary)
        if name == "single_field_blocks" {
            // The oracle's boundary is "--boundary" but the body opens with
            // "--boundary", not "----boundary" (python-multipart feeds this file
            // to its block-splitting test, not its HTTP test). By RFC 2046 the
            // body does not start with the delimiter: refused.
            #expect(throws: MultipartFormDecoder.DecodingError.self) { try decoder.decode(body) }
            #expect(try MultipartFormDecoder(boundary: "boundary").decode(body).parts.map(\.name) == ["field"])
            return
        }
        if expected.error != nil {
            // python-multipart refuses the whole body at the byte it names. Here
            // (issue 35) what cannot be read is refused part by part: the body
            // is refused only when it has no boundary at all; otherwise the
            // broken part is dropped and said, and no guess of it is kept.
            do {
                let decoded = try decoder.decode(body)
                #expect(!decoded.warnings.isEmpty, "\(name): the unreadable part is said: \(decoded)")
                #expect(decoded.parts.allSatisfy { $0.data.isEmpty || !decoded.warnings.isEmpty }, "\(name)")
            } catch {
                // Nothing readable: refused whole, saying why.
                #expect(!error.reason.isEmpty, "\(name)")
            }
            return
        }
        let decoded = try decoder.decode(body)
        #expect(decoded.warnings.isEmpty, "\(name): \(decoded.warnings)")
        let parts = decoded.parts
        #expect(parts.count == expected.parts.count)
        for (part, want) in zip(parts, expected.parts) {
            #expect(part.name == want.name)
            #expect((part.filename != nil) == (want.type == "file"), "\(part.name) field or file")
            if let fileName = want.fileName, !fileName.contains("?") { #expect(part.filename == fileName) }
            // RFC 7578 §4.4: a part without Content-Type is text/plain.
            if let contentType = want.contentType { #expect((part.contentType ?? "text/plain") == contentType) }
            #expect(part.data == want.data, "data of \(part.name)")
        }
    }
}
