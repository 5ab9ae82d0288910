import Foundation
import Testing
import GatewayCore
import GatewayTestSupport

/// The DTD refusal holds for every encoding and position: libxml2 reports
/// the declarations, no byte pattern is searched for.
@Suite("XML entity declarations")
struct XMLEntityGuardTests {
    static let declaring = #"<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret "hidden text">]><rss version="2.0"><channel><title>&secret;</title></channel></rss>"#

    static func utf16(_ text: String, bigEndian: Bool, mark: Bool) -> Data {
        var bytes: [UInt8] = mark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 { bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return Data(bytes)
    }

    @Test("declared entities are found in UTF-8, UTF-16 with or without a mark, and in either byte order")
    func encodings() {
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data(Self.declaring.utf8)) == "secret")
        let utf16Declared = Self.declaring.replacingOccurrences(of: #"<?xml version="1.0"?>"#, with: #"<?xml version="1.0" encoding="UTF-16"?>"#)
        for bigEndian in [false, true] {
            #expect(XMLEntityGuard.firstDeclaredEntity(in: Self.utf16(utf16Declared, bigEndian: bigEndian, mark: true)) == "secret")
            #expect(XMLEntityGuard.firstDeclaredEntity(in: Self.utf16(utf16Declared, bigEndian: bigEndian, mark: false)) == "secret")
        }
    }

    @Test("after a long comment, as a parameter entity, as an unparsed entity")
    func positionsAndKinds() {
        let late = #"<?xml version="1.0"?><!--"# + String(repeating: "padding ", count: 40_000) + #"--><!DOCTYPE rss [<!ENTITY late "x">]><rss/>"#
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data(late.utf8)) == "late")
        let parameter = #"<!DOCTYPE rss [<!ENTITY % p "<!ENTITY q 'x'>">]><rss/>"#
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data(parameter.utf8)) == "p")
        let unparsed = #"<!DOCTYPE rss [<!NOTATION gif SYSTEM "image/gif"><!ENTITY pic SYSTEM "pic.gif" NDATA gif>]><rss/>"#
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data(unparsed.utf8)) == "pic")
    }

    @Test("documents without declarations pass: a public DTD reference (never fetched), none at all, broken XML")
    func clean() {
        let rss091 = #"<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"/>"#
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data(rss091.utf8)) == nil)
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data("<rss><channel/></rss>".utf8)) == nil)
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data("<<<not xml".utf8)) == nil)
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data()) == nil)
        // A declaration-looking text inside the document is text, not a declaration.
        #expect(XMLEntityGuard.firstDeclaredEntity(in: Data("<rss><title>&lt;!ENTITY x \"y\"&gt;</title></rss>".utf8)) == nil)
    }
}
