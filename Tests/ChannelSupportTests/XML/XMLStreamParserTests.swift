import Foundation
import Testing
import ChannelSupport
import GatewayCore

@Suite("XMLStreamParser: libxml2's SAX2 parser, driven directly")
struct XMLStreamParserTests {
    /// Records what the parser reports.
    final class Recorder: XMLStreamHandler {
        var events: [String] = []
        var text: [UInt8] = []

        func startElement(_ name: String, namespace: String, attributes: XMLAttributes) {
            events.append("<\(name)\(namespace.isEmpty ? "" : " ns=\(namespace)")\(attributes["id"].map { " id=\($0)" } ?? "")\(attributes["base", xml: true].map { " base=\($0)" } ?? "")>")
        }

        func endElement(_ name: String, namespace: String) {
            events.append("</\(name)>")
        }

        func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
            text.append(contentsOf: bytes)
        }
    }

    static func parse(_ xml: String) -> (XMLStreamParser.Outcome, Recorder) {
        let recorder = Recorder()
        let outcome = Array(xml.utf8).withUnsafeBytes { XMLStreamParser.parse($0, handler: recorder) }
        return (outcome, recorder)
    }

    @Test("elements, namespaces, attributes, xml:base, text and CDATA")
    func events() {
        let (outcome, r) = Self.parse(#"<feed xmlns="urn:a" xml:base="https://x.example/"><e id="1">a &amp; b<![CDATA[ <c> ]]>&#20320;</e></feed>"#)
        #expect(outcome.error == nil && outcome.declaredEntity == nil && outcome.openElements == 0)
        #expect(r.events == ["<feed ns=urn:a base=https://x.example/>", "<e ns=urn:a id=1>", "</e>", "</feed>"])
        #expect(String(decoding: r.text, as: UTF8.self) == "a & b <c> 你")
    }

    @Test("an entity declaration stops the parser before the root element; nothing is expanded")
    func entities() {
        let (outcome, r) = Self.parse("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><r>&b;</r>")
        #expect(outcome.declaredEntity == "a")
        #expect(r.events.isEmpty && r.text.isEmpty)
        let external = Self.parse("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>")
        #expect(external.0.declaredEntity == "x")
        #expect(external.1.text.isEmpty)
    }

    @Test("a truncated document reports its open elements and where it stopped; a broken one, its error and line")
    func errors() {
        let truncated = Self.parse("<rss>\n<channel>\n<item><title>x</title>")
        #expect(truncated.0.openElements == 3)
        let broken = Self.parse("<rss>\n<channel>\n</rss>")
        #expect(broken.0.error != nil)
        #expect(broken.0.line == 3)
    }

    @Test("documents parse in parallel: no process-wide state")
    func parallel() async {
        await withTaskGroup(of: Bool.self) { group in
            for n in 0..<8 {
                group.addTask {
                    var ok = true
                    for i in 0..<300 {
                        let (outcome, r) = Self.parse("<r><e id=\"\(n)-\(i)\">\(n)&amp;\(i)</e></r>")
                        ok = ok && outcome.error == nil && r.events[1] == "<e id=\(n)-\(i)>" && String(decoding: r.text, as: UTF8.self) == "\(n)&\(i)"
                    }
                    return ok
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
