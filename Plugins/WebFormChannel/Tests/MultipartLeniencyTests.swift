import Foundation
import Testing
import ComplaintModel
import GatewayCore
@testable import WebFormChannel
import GatewayTestSupport

/// Bodies browsers, curl and RFC 7578 readers send that a strict reading of
/// the grammar refuses (issue 35), each with where it comes from; and what is
/// refused part by part instead of body by body. Cases after busboy's
/// test-types-multipart.js, formidable's fixture/http and werkzeug's
/// test_formparser.py (MIT, MIT, BSD-3), RFC 7578 and the WHATWG HTML
/// standard's multipart/form-data encoding.
@Suite("multipart: what browsers and curl send")
struct MultipartLeniencyTests {
    static func decode(_ text: String, boundary: String = "b") throws -> MultipartFormDecoder.Decoded {
        try MultipartFormDecoder(boundary: boundary).decode(Array(text.utf8))
    }

    @Test("a preamble before the first boundary is ignored (RFC 2046 §5.1.1; busboy, werkzeug)")
    func preamble() throws {
        let d = try Self.decode("This is a preamble.\r\nIgnore me.\r\n--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n")
        #expect(d.parts.map(\.name) == ["a"] && d.parts.first?.data == Array("1".utf8) && d.warnings.isEmpty)
    }

    @Test("LF-only line breaks (werkzeug, hand-written clients)")
    func lfOnly() throws {
        let d = try Self.decode("--b\nContent-Disposition: form-data; name=\"a\"\n\nline one\nline two\n--b\nContent-Disposition: form-data; name=\"c\"\n\n2\n--b--\n")
        #expect(d.parts.map(\.name) == ["a", "c"])
        #expect(d.parts.first?.data == Array("line one\nline two".utf8))
    }

    @Test("a final boundary without the trailing -- at the end of the body (curl through some proxies; busboy)")
    func finalBoundaryWithoutHyphens() throws {
        let d = try Self.decode("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\n")
        #expect(d.parts.map(\.name) == ["a"] && d.warnings.isEmpty)
        let bare = try Self.decode("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b")
        #expect(bare.parts.map(\.name) == ["a"])
    }

    @Test("folded part headers continue the header before (RFC 5322 §2.2.3; formidable)")
    func foldedHeaders() throws {
        let d = try Self.decode("--b\r\nContent-Disposition: form-data;\r\n name=\"folded\";\r\n\tfilename=\"f.txt\"\r\n\r\nx\r\n--b--")
        #expect(d.parts.first?.name == "folded" && d.parts.first?.filename == "f.txt", "\(d)")
    }

    @Test("nested multipart/mixed: several files in one field (RFC 2388 §4.6; werkzeug)")
    func nestedMixed() throws {
        let body = """
            --AaB03x\r
            Content-Disposition: form-data; name="submit-name"\r
            \r
            Larry\r
            --AaB03x\r
            Content-Disposition: form-data; name="files"\r
            Content-Type: multipart/mixed; boundary=BbC04y\r
            \r
            --BbC04y\r
            Content-Disposition: file; filename="file1.txt"\r
            Content-Type: text/plain\r
            \r
            ... contents of file1.txt ...\r
            --BbC04y\r
            Content-Disposition: file; filename="file2.gif"\r
            Content-Type: image/gif\r
            Content-Transfer-Encoding: binary\r
            \r
            GIF89a\r
            --BbC04y--\r
            --AaB03x--\r

            """
        let d = try Self.decode(body, boundary: "AaB03x")
        #expect(d.parts.map(\.name) == ["submit-name", "files", "files"])
        #expect(d.parts.map(\.filename) == [nil, "file1.txt", "file2.gif"])
        #expect(d.parts.last?.contentType == "image/gif" && d.parts.last?.data == Array("GIF89a".utf8))
    }

    @Test("file names: WHATWG %22 escapes, RFC 5987 filename*, an unescaped quote, and paths cut to their last component")
    func fileNames() throws {
        func name(_ disposition: String) throws -> String? {
            try Self.decode("--b\r\nContent-Disposition: form-data; name=\"f\"; \(disposition)\r\n\r\nx\r\n--b--").parts.first?.filename
        }
        #expect(try name(#"filename="say %22hi%22.txt""#) == "say \"hi\".txt")
        #expect(try name("filename*=UTF-8''%E6%8A%95%E8%AF%89.txt") == "投诉.txt")
        #expect(try name(#"filename="a"b.txt""#) == "a\"b.txt")
        #expect(try name(#"filename="C:\Users\li\Desktop\photo.jpg""#) == "photo.jpg")
        #expect(try name(#"filename="../../etc/passwd""#) == "passwd")
        #expect(try name(#"filename="..""#) == "")
        #expect(try name(#"filename="""#) == "", "a file field with no file chosen")
    }

    @Test("a part without Content-Disposition is dropped and said; the customer's other fields are kept")
    func partNotBody() throws {
        let d = try Self.decode("--b\r\nContent-Type: text/plain\r\n\r\norphan\r\n--b\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nkept\r\n--b\r\nContent-Disposition:\r\n\r\nempty\r\n--b--")
        #expect(d.parts.map(\.name) == ["message"])
        #expect(d.warnings.count == 2)
        #expect(d.warnings.allSatisfy { $0.contains("dropped: no Content-Disposition") }, "\(d.warnings)")
    }

    @Test("an empty field name keeps its value as unnamed_N, saying so (busboy keeps it under \"\")")
    func emptyName() throws {
        let d = try Self.decode("--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nvalue\r\n--b--")
        #expect(d.parts.map(\.name) == ["unnamed_1"])
        #expect(d.warnings == ["form part 1 has no field name; kept as unnamed_1"])
    }

    @Test("a body with nothing readable is refused whole: no boundary at all, or every part broken")
    func unreadable() {
        #expect(throws: MultipartFormDecoder.DecodingError.self) { try Self.decode("no boundary here") }
        #expect(throws: MultipartFormDecoder.DecodingError.self) { try Self.decode("--b\r\nNot a header\r\n\r\nx\r\n--b--") }
    }

    @Test("through the channel: a repeated field is an array, a dropped part is a warning on the complaint")
    func throughTheChannel() throws {
        let body = "--b\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\nbilling\r\n--b\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n重复扣费\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\na, b\r\n--b\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nc\r\n"
            + "--b\r\nX-Broken\r\n\r\nlost\r\n--b--"
        let draft = try #require(try parseForm(body, contentType: "multipart/form-data; boundary=b").draft)
        #expect(draft.attributes["tag"] == .strings(["a, b", "c"]), "a value holding a comma stays one value")
        #expect(draft.warnings.contains { $0.contains("form part 5") && $0.contains("dropped") }, "\(draft.warnings)")
        #expect(draft.body == "重复扣费")
    }
}
