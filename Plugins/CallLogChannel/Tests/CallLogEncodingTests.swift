import Foundation
import Testing
import ComplaintModel
import GatewayCore
@testable import CallLogChannel
import GatewayTestSupport

/// Files whose bytes are not the configured encoding: read when they say what
/// they are (a byte-order mark), refused with a message about the encoding when not.
@Suite("Call-log encodings")
struct CallLogEncodingTests {
    static let row = "\"\",\"13812345678\",\"600\",\"from-pstn\",\"\"\"张伟\"\" <13812345678>\",\"SIP/trunk-1a\",\"SIP/agent7-1b\",\"Queue\",\"complaints,t,,,300\",\"2026-11-20 09:15:02\",\"2026-11-20 09:15:20\",\"2026-11-20 09:21:47\",405,387,\"ANSWERED\",\"DOCUMENTATION\",\"1763601302.26\",\"账单重复扣费\"\r\n"

    func write(_ bytes: [UInt8]) throws -> (TemporaryDirectory, URL) {
        let dir = try TemporaryDirectory("utf16")
        let url = dir.url.appendingPathComponent("Master.csv")
        try Data(bytes).write(to: url)
        return (dir, url)
    }

    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        text.utf16.flatMap { unit in bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    }

    @Test("UTF-16 with a byte-order mark is read, in either byte order, whatever encoding says", arguments: [false, true])
    func utf16WithBOM(bigEndian: Bool) throws {
        let bom: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        let (dir, url) = try write(bom + Self.utf16(Self.row + Self.row.replacingOccurrences(of: "1763601302.26", with: "1763601302.27"), bigEndian: bigEndian))
        defer { _ = dir }
        let events = try parseCallLog(url, "format = \"asterisk\"\nencoding = \"gbk\"")
        #expect(events.rejections.isEmpty, "\(events.rejections)")
        #expect(events.drafts.count == 2)
        #expect(events.drafts.first?.customer.name == "张伟")
        #expect(events.drafts.first?.body == "账单重复扣费")
    }

    @Test("UTF-16 without a mark is refused with a message about its encoding, not a column count")
    func utf16WithoutBOM() throws {
        let (dir, url) = try write(Self.utf16(Self.row, bigEndian: false))
        defer { _ = dir }
        #expect {
            _ = try parseCallLog(url, "format = \"asterisk\"")
        } throws: { error in
            "\(error)".contains("UTF-16 without a byte-order mark")
        }
    }
}
