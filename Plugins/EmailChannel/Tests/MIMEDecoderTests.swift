import Foundation
import Testing
@testable import EmailChannel

@Suite("MIME decoder")
struct MIMEDecoderTests {
    func decode(_ text: String) throws -> MIMEPart {
        try MIMEDecoder().decode(Array(text.utf8))
    }

    @Test("millions of empty sibling parts are refused before any part is built; siblings count with nesting")
    func siblingPartsAreBounded() throws {
        var message = Array("From: a@b.cn\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n".utf8)
        let delimiter = Array("--x\r\n".utf8)
        message.reserveCapacity(message.count + delimiter.count * 1_000_000)
        for _ in 0..<1_000_000 { message += delimiter }
        #expect {
            _ = try MIMEDecoder().decode(message)
        } throws: { error in
            "\(error)".contains("more than 2000 MIME parts")
        }
        // Under the limit, every part is read.
        var small = MIMEDecoder.Limits()
        small.maxParts = 50
        let fine = Array("Content-Type: multipart/mixed; boundary=x\r\n\r\n".utf8) + Array(repeating: delimiter, count: 40).flatMap { $0 }
            + Array("--x--\r\n".utf8)
        #expect(try MIMEDecoder(limits: small).decode(fine).children.count == 40)
        // Nested parts share the same budget as siblings.
        let nested = "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n"
            + String(repeating: "--i\r\n", count: 47) + "--i--\r\n--o\r\n\r\ntext\r\n--o\r\n\r\nmore\r\n--o--\r\n"
        #expect(throws: MIMEDecoder.Failure.self) { try MIMEDecoder(limits: small).decode(Array(nested.utf8)) }
    }

    @Test func foldedHeadersAreUnfolded() throws {
        let m = try decode("Subject: a long\r\n\tsubject\r\nX-Empty:\r\n\r\nbody")
        #expect(m.headers.ascii("subject") == "a long\tsubject")
        #expect(m.headers.ascii("X-Empty") == "")
        #expect(Array(m.rawBody) == Array("body".utf8))
    }

    @Test func transferEncodingWithTrailingSpaceAndCase() throws {
        let m = try decode("Content-Transfer-Encoding: Base64 \nContent-Type: text/plain\n\naGVsbG8g\nd29ybGQ=\n")
        #expect(m.transferEncoding == "base64")
        #expect(m.decodedBody() == Array("hello world".utf8))
    }

    @Test func boundaryThatPrefixesAnotherIsNotConfused() throws {
        let m = try decode("""
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: multipart/alternative; boundary="b-1"

            --b-1
            Content-Type: text/plain

            inner
            --b-1--
            --b
            Content-Type: text/plain

            second
            --b--
            """)
        #expect(m.kind == .multipart)
        #expect(m.children.count == 2)
        #expect(m.children[0].children.count == 1)
        #expect(Array(m.children[0].children[0].rawBody) == Array("inner".utf8))
        #expect(Array(m.children[1].rawBody) == Array("second".utf8))
    }

    @Test func missingBoundaryParameterIsFoundInTheBody() throws {
        let m = try decode("Content-Type: multipart/mixed\n\n--xyz\n\none\n--xyz\n\ntwo\n--xyz--\n")
        #expect(m.children.count == 2)
        #expect(m.warnings.contains { $0.contains("without a boundary parameter") })
    }

    @Test func embeddedBase64MessageIsDecodedAndParsed() throws {
        let inner = "Subject: inner\n\nhello\n"
        let m = try decode("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n\(Array(inner.utf8).base64)\n")
        #expect(m.kind == .message)
        #expect(m.children.first?.headers.ascii("Subject") == "inner")
    }

    @Test func nestingBeyondTheLimitIsKeptOpaque() throws {
        var text = "Content-Type: text/plain\n\ndeep\n"
        for level in 0..<40 {
            text = "Content-Type: multipart/mixed; boundary=\"l\(level)\"\n\n--l\(level)\n\(text)\n--l\(level)--\n"
        }
        var limits = MIMEDecoder.Limits()
        limits.maxDepth = 10
        let m = try MIMEDecoder(limits: limits).decode(Array(text.utf8))
        var depth = 0
        var part = m
        while let child = part.children.first { part = child; depth += 1 }
        #expect(depth == 10)
        #expect(part.warnings.contains { $0.contains("kept unparsed") })
    }

    @Test func oversizedHeaderSectionFails() {
        let text = "X-Junk: " + String(repeating: "a", count: 2_000) + "\n\nbody"
        var limits = MIMEDecoder.Limits()
        limits.maxHeaderBytes = 1_000
        #expect(throws: MIMEDecoder.Failure.self) { try MIMEDecoder(limits: limits).decode(Array(text.utf8)) }
    }

    @Test func strayLineAmongHeadersIsSkippedWithAWarning() throws {
        let m = try decode("From: a@b\nnot a header line\nSubject: kept\n\nbody")
        #expect(m.headers.ascii("Subject") == "kept")
        #expect(m.warnings.contains { $0.contains("not a header line") })
        // Without a field after it, the line starts the body (a forgotten empty line).
        let n = try decode("Subject: s\nHello, the body starts here\nsecond line\n")
        #expect(String(decoding: n.rawBody, as: UTF8.self) == "Hello, the body starts here\nsecond line\n")
    }

    @Test func lenientBase64() {
        #expect(Base64Lenient.decode(Array("aGVs\r\nbG8=trailing".utf8)) == Array("hello".utf8))
        #expect(Base64Lenient.decode(Array("aGVsbG8".utf8)) == Array("hello".utf8))  // no padding
        #expect(Base64Lenient.decode(Array("a GV*sbG8".utf8)) == Array("hello".utf8))  // junk skipped
    }
}

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}
