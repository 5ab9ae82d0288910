import Foundation
import Testing
@testable import EmailChannel
import GatewayCore

@Suite("RFC 2047 header decoding")
struct EncodedWordsTests {
    /// RFC 2047 section 8's examples.
    @Test("the RFC's examples", arguments: [
        ("(=?ISO-8859-1?Q?a?=)", "(a)"),
        ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
        ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
        ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
        ("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>", "Keith Moore <moore@cs.utk.edu>"),
        ("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>", "André Pirard <PIRARD@vm1.ulg.ac.be>"),
    ])
    func rfcExamples(_ input: String, _ expected: String) {
        let decoded = EncodedWords.decode(input)
        #expect(decoded.text == expected)
        #expect(decoded.warnings.isEmpty)
    }

    @Test("Chinese charsets: GB2312 read as GB18030, GBK, Big5, UTF-8 with a character split across words")
    func chinese() {
        #expect(EncodedWords.decode("=?GB2312?B?xOO6ww==?=").text == "你好")
        // 镕 (E9 46) is GBK, not GB2312: real "GB2312" mail carries it.
        #expect(EncodedWords.decode("=?gb2312?Q?=E9F=BB=F9?=").text == "镕基")
        #expect(EncodedWords.decode("=?big5?B?q8i2RA==?=").text == "客訴")
        // 你 = E4 BD A0, split after two bytes between two encoded words.
        #expect(EncodedWords.decode("=?UTF-8?B?5L0=?= =?UTF-8?B?oA==?=").text == "你")
        #expect(EncodedWords.decode("Re: =?utf-8?B?5oqV6K+J?= #42").text == "Re: 投诉 #42")
        #expect(EncodedWords.decode("=?utf-8*zh?Q?=E6=8A=95?=").text == "投", "RFC 2231 language suffix")
        #expect(EncodedWords.decode("=?utf-8?b?5oqV6K+J?=").text == "投诉", "lower-case encoding, no padding issues")
    }

    @Test("lying or unknown labels and raw 8-bit bytes fall back with a warning, never fail")
    func fallbacks() {
        let unknown = EncodedWords.decode("=?x-klingon?B?5oqV6K+J?=")
        #expect(unknown.text == "投诉")
        #expect(unknown.warnings.count == 1)
        // Labelled ISO-8859-1 is never "wrong" (every byte is a character), so a
        // lying label shows in a label whose bytes do not fit: GB2312 holding UTF-8.
        let lying = EncodedWords.decode("=?gb2312?B?5oqV6K+J?=")
        #expect(lying.text == "投诉")
        #expect(lying.warnings.first?.contains("is UTF-8") == true)
        // Genuine GB2312/GBK bytes are not valid UTF-8, so they keep their label.
        #expect(EncodedWords.decode("=?gb2312?B?warNqA==?=").warnings.isEmpty)
        #expect(EncodedWords.decode("=?gb2312?B?warNqA==?=").text == "联通")
        let raw = EncodedWords.decode([0x52, 0x65, 0x3A, 0x20, 0xCD, 0xB6, 0xCB, 0xDF], fallback: Charset(label: "gbk")!)
        #expect(raw.text == "Re: 投诉")
        #expect(raw.warnings.first?.contains("raw 8-bit") == true)
        let rawUTF8 = EncodedWords.decode(Array("Re: 投诉".utf8), fallback: Charset(label: "gbk")!)
        #expect(rawUTF8.text == "Re: 投诉")
        #expect(rawUTF8.warnings.isEmpty)
    }

    @Test("malformed words stay as written")
    func malformed() {
        for text in ["=?utf-8?x?abc?=", "=?utf-8?q?no end", "=?utf-8?B?a b?=", "=??q?x?=", "plain = text ?= here"] {
            #expect(EncodedWords.decode(text).text == text, "\(text)")
        }
    }
}
