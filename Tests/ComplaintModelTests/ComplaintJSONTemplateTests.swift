import Foundation
import Testing
import ComplaintModel

/// The document template the store's writer fills in with what dedup decided.
@Suite("Complaint JSON template")
struct ComplaintJSONTemplateTests {
    @Test("a verdict and revision spliced in give the same bytes as writing the whole document")
    func splice() throws {
        let original = ComplaintCodingTests.sample()
        let template = ComplaintJSON.Template(original)
        #expect(template.render(original) == ComplaintJSON.string(original))

        let verdicts = [
            DedupInfo(status: .duplicate, of: "0b43e6db-d4f6-8e34-8c6f-a01f93871e3d", cluster: "0b43e6db-d4f6-8e34-8c6f-a01f93871e3d"),
            DedupInfo(status: .nearDuplicate, of: "x", score: 0.734, cluster: "y"),
            DedupInfo(cluster: original.id),
            DedupInfo(),
        ]
        for (n, verdict) in verdicts.enumerated() {
            var decided = original
            decided.dedup = verdict
            decided.revision = 1 + n * 7
            let spliced = try #require(template.render(decided))
            #expect(spliced == ComplaintJSON.string(decided))
            #expect(try JSONDecoder().decode(Complaint.self, from: Data(spliced.utf8)) == decided)
        }
    }

    @Test("any other change is not spliced: the document is written whole")
    func otherChanges() {
        let original = ComplaintCodingTests.sample()
        let template = ComplaintJSON.Template(original)
        var changed = original
        changed.body += "。"
        #expect(template.render(changed) == nil)
        changed = original
        changed.attributes["queue"] = "sales"
        #expect(template.render(changed) == nil)
    }

    @Test("a stored verdict reads back as it was written")
    func storedVerdict() throws {
        let verdict = DedupInfo(status: .nearDuplicate, of: "a\"b", score: 0.5, cluster: "c")
        let text = ComplaintJSON.string(verdict)
        #expect(try JSONDecoder().decode(DedupInfo.self, from: Data(text.utf8)) == verdict)
    }
}
