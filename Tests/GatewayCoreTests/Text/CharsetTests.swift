import Foundation
import Testing
import GatewayCore

@Suite("Charsets through iconv")
struct CharsetTests {
    @Test("Chinese charsets decode", arguments: [
        ("gbk", [205, 182, 203, 223] as [UInt8], "投诉"),
        ("GB2312", [205, 182, 203, 223], "投诉"),
        // 镕 is GBK-only: text labelled GB2312 carries it in practice.
        ("gb2312", [233, 70], "镕"),
        ("big5", [171, 200, 182, 68], "客訴"),
        ("gb18030", [149, 50, 130, 54], "𠀀"),
        ("utf-8", Array("投诉".utf8), "投诉"),
    ])
    func decodes(label: String, bytes: [UInt8], expected: String) throws {
        let charset = try #require(Charset(label: label))
        let result = try IconvConverter.decode(bytes, charset: charset)
        #expect(result.text == expected)
        #expect(result.replacements == 0)
    }

    @Test("unknown labels are refused")
    func unknownLabel() {
        #expect(Charset(label: "gbx-9000") == nil)
        #expect(Charset(label: "") == nil)
    }

    @Test("a character split across chunks is carried over")
    func splitAcrossChunks() throws {
        let gbk: [UInt8] = [205, 182, 203, 223, 0x41, 149, 50, 130, 54]
        let converter = try IconvConverter(from: #require(Charset(label: "gb18030")))
        var out: [UInt8] = []
        // Feed one byte at a time: every multi-byte character is split.
        for (i, b) in gbk.enumerated() {
            converter.convert([b], final: i == gbk.count - 1, into: &out)
        }
        #expect(String(decoding: out, as: UTF8.self) == "投诉A𠀀")
        #expect(converter.replacements == 0)
    }

    @Test("invalid bytes become U+FFFD and are counted")
    func invalidBytes() throws {
        let result = try IconvConverter.decode([205, 182, 0xFF, 0x41, 0x81], charset: #require(Charset(label: "gbk")))
        #expect(result.text.hasPrefix("投"))
        #expect(result.text.contains("\u{FFFD}"))
        #expect(result.text.contains("A"))
        #expect(result.replacements == 2)
    }

    @Test("converters are reused without carrying anything from one input to the next, in parallel too")
    func reusedConverters() async throws {
        let gbk = try #require(Charset(label: "gbk"))
        let utf16 = try #require(Charset(label: "utf-16"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        // A GBK input cut inside a character, then a whole one.
                        let cut = try IconvConverter.decode([0xCD, 0xB6, 0xCB], charset: gbk)
                        #expect(cut.replacements == 1)
                        let whole = try IconvConverter.decode([0xCD, 0xB6, 0xCB, 0xDF], charset: gbk)
                        #expect(whole == (text: "投诉", replacements: 0))
                        // UTF-16 with either byte order mark, alternating.
                        let bytes: [UInt8] = (task + round) % 2 == 0 ? [0xFF, 0xFE, 0x95, 0x62] : [0xFE, 0xFF, 0x62, 0x95]
                        #expect(try IconvConverter.decode(bytes, charset: utf16).text == "投")
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
