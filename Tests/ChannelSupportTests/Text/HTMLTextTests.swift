import Testing
import ChannelSupport
import GatewayCore

@Suite("HTMLText")
struct HTMLTextTests {
    @Test func htmlToText() {
        #expect(HTMLText.text("<p>a&amp;b</p><p>c&#20320;&#x597D;</p><ul><li>one</li><li>two</li></ul>") == "a&b\n\nc你好\n\none\ntwo")
        #expect(HTMLText.text("<!-- hidden --><style>x{}</style>Visible <img alt=\"logo\"> text") == "Visible [logo] text")
        #expect(HTMLText.text("unclosed <b tag and more") == "unclosed <b tag and more")
        #expect(HTMLText.text("1 < 2 &lt; 3<br><br><br>x") == "1 < 2 < 3\n\nx")
    }

    @Test("real mail HTML: a head with a charset, scripts, tables, every HTML entity, broken nesting")
    func mailHTML() {
        let html = """
        <html><head><meta charset="gbk"><title>账单</title><style>p{color:red}</style></head>
        <body><script>alert("x<y")</script><div>您好，<b>电费<i>太高</b>了</i>&hellip;</div>
        <table><tr><td>户号</td><td>778&nbsp;&nbsp;12</td></tr></table><p>&hearts; 谢谢</p></body></html>
        """
        #expect(HTMLText.text(html) == "您好，电费太高了…\n\n户号 778  12\n\n♥ 谢谢")
    }

    @Test("text without markup is only collapsed")
    func plainText() {
        #expect(HTMLText.text("  宽带   断了\n\t三天 ") == "宽带 断了 三天")
    }


    @Test("parser contexts are reused across calls and threads without carrying text over")
    func reusedContexts() async {
        await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var ok = true
                    for i in 0..<300 {
                        // A broken document (an unclosed table) before each whole one.
                        _ = HTMLText.text("<table><tr><td>\(task)-\(i) <b>open")
                        ok = ok && HTMLText.text("<p>第\(task)-\(i)条 &amp; more</p>") == "第\(task)-\(i)条 & more"
                    }
                    return ok
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
