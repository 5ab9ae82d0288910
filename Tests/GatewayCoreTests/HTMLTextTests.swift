import Testing
import GatewayCore

@Suite("HTMLText")
struct HTMLTextTests {
    @Test func htmlToText() {
        #expect(HTMLText.text("<p>a&amp;b</p><p>c&#20320;&#x597D;</p><ul><li>one</li><li>two</li></ul>") == "a&b\n\nc你好\n\none\ntwo")
        #expect(HTMLText.text("<!-- hidden --><style>x{}</style>Visible <img alt=\"logo\"> text") == "Visible [logo] text")
        #expect(HTMLText.text("unclosed <b tag and more") == "unclosed <b tag and more")
        #expect(HTMLText.text("1 < 2 &lt; 3<br><br><br>x") == "1 < 2 < 3\n\nx")
    }

}
