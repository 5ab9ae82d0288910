import Testing
import GatewayCore

@Suite("TOML key lines")
struct TOMLKeyLocatorTests {
    let text = """
        # comment
        [storage]
        path = "a" # trailing = comment

        [[channel]]
        name = "one"
        columns = { start = "Start", caller_number = 2, nested = { deep = 1 } }
        match = [
          "a", "b",
        ]
        after = 1

        [[channel]]
        name = "two"
        "quoted.key" = 1
        [channel.sub]
        inner = true
        """

    @Test("tables, array tables, inline tables and multi-line values")
    func lines() {
        let l = TOMLKeyLocator(text: text)
        #expect(l.line(of: "storage") == 2)
        #expect(l.line(of: "storage.path") == 3)
        #expect(l.line(of: "channel[0]") == 5)
        #expect(l.line(of: "channel[0].name") == 6)
        #expect(l.line(of: "channel[0].columns.start") == 7)
        #expect(l.line(of: "channel[0].columns.caller_number") == 7)
        #expect(l.line(of: "channel[0].columns.nested.deep") == 7)
        #expect(l.line(of: "channel[0].match") == 8)
        #expect(l.line(of: "channel[0].after") == 11)
        #expect(l.line(of: "channel[1].name") == 14)
        #expect(l.line(of: "channel[1].quoted.key") == 15)
        #expect(l.line(of: "channel[1].sub.inner") == 17)
        // An unknown path falls back to its nearest known parent.
        #expect(l.line(of: "channel[1].nothing") == 13)
    }
}
