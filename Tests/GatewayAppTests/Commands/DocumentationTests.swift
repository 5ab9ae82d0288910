import Foundation
import Testing
import GatewayTestSupport

/// What the README and the docs point at exists: every relative link and
/// picture names a file of the repository, and the commands they tell a new
/// user to run are the ones CI runs (issue 43).
@Suite("documentation")
struct DocumentationTests {
    static let documents = ["README.md", "docs/operations.md", "docs/benchmarks.md"]

    @Test("every relative link and image in the README and docs names a file that is there", arguments: documents)
    func relativeLinks(_ document: String) throws {
        let url = RepositoryPaths.root.appendingPathComponent(document)
        let text = try String(contentsOf: url, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"\]\(([^)#\s]+)(#[^)]*)?\)"#)
        var checked = 0
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let target = String(text[Range(match.range(at: 1), in: text)!])
            guard !target.contains("://"), !target.hasPrefix("mailto:") else { continue }
            let file = url.deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: file.path), "\(document) links to \(target), which is missing")
            checked += 1
        }
        if document == "README.md" { #expect(checked > 0) }
    }

    @Test("the README's test command is scripts/test, and CI runs that same command")
    func testCommand() throws {
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let ci = try String(contentsOf: RepositoryPaths.root.appendingPathComponent(".ci/run"), encoding: .utf8)
        #expect(readme.contains("\nscripts/test  "), "the quick start names scripts/test")
        #expect(ci.split(separator: "\n").contains { $0.hasPrefix("scripts/test ") || $0 == "scripts/test" }, "CI runs scripts/test")
        #expect(ci.contains("scripts/test-install"), "CI runs the documented install steps")
    }
}
