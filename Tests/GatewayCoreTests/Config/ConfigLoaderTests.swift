import Foundation
import Testing
@testable import GatewayCore
import GatewayTestSupport

@Suite("channels.conf loading and checking")
struct ConfigLoaderTests {
    @Test("settings compare equal whether or not their folders exist yet (a reload after the first start asks no restart)")
    func pathsIndependentOfTheDisk() throws {
        let dir = try TemporaryDirectory("config-paths")
        let text = "[archive]\npath = \"var/archive\"\n[storage]\npath = \"var/db/c.sqlite\"\n"
        let before = try TestChannels.load(text, baseDirectory: dir.url).config
        try FileManager.default.createDirectory(at: dir.path("var/archive"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.path("var/db/c.sqlite"), withIntermediateDirectories: true)
        let after = try TestChannels.load(text, baseDirectory: dir.url).config
        #expect(before.archive == after.archive)
        #expect(before.storage == after.storage)
    }

    @Test("a valid file loads with defaults and resolved paths")
    func valid() throws {
        let loaded = try TestChannels.load("""
            [storage]
            path = "db/c.sqlite"

            [[channel]]
            name = "a"
            type = "lines"
            prefix = "> "
            """, baseDirectory: URL(fileURLWithPath: "/srv/gw"))
        #expect(loaded.config.storage.path.path == "/srv/gw/db/c.sqlite")
        #expect(loaded.config.archive.path.path == "/srv/gw/var/archive")
        #expect(loaded.channels.map(\.name) == ["a"])
        #expect(loaded.channels[0].settings.string("prefix") == "> ")
    }

    @Test("a syntax error names its line")
    func syntax() {
        let problems = TestChannels.problems("[storage]\npath = \"x\"\n[[channel]\nname = 1\n")
        #expect(problems.count == 1)
        #expect(problems.first?.line == 3)
        #expect(problems.first?.message.contains("TOML syntax error") == true)
    }

    @Test("an unknown key names its line and the allowed keys")
    func unknownKey() throws {
        let problems = TestChannels.problems("""
            [[channel]]
            name = "a"
            type = "lines"
            prefx = "typo"
            """)
        let p = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(p.line == 4)
        #expect(p.key == "channel[0].prefx")
        #expect(p.message.contains("unknown key \"prefx\" (did you mean \"prefix\"?)"))
        #expect(p.message.contains("allowed: name, type, prefix"))
        #expect(p.description.hasPrefix("test.conf:4: channel[0].prefx: "))
    }

    @Test("[[channels]], a typo of [[channel]], is reported at its line")
    func misspeltArrayOfTables() {
        let problems = TestChannels.problems("[storage]\npath = \"x\"\n\n[[channels]]\nname = \"a\"\ntype = \"lines\"\n")
        #expect(problems.count == 1)
        #expect(problems.first?.line == 4, "\(problems)")
        #expect(problems.first?.message.contains("did you mean \"channel\"?") == true)
    }

    @Test("unknown sections and keys of [storage]")
    func unknownSection() {
        let problems = TestChannels.problems("[storag]\npath = \"x\"\n\n[storage]\nengine = \"sqlite\"\n")
        #expect(problems.map(\.line) == [1, 5])
        #expect(problems[0].message.contains("unknown section (did you mean \"storage\"?); allowed: server, storage, archive, dedup, incidents, identity, token, sink, channel"))
        #expect(problems[1].message.contains("unknown key \"engine\"; allowed"), "nothing near enough to suggest")
    }

    @Test("missing required keys point at the channel's header")
    func missingRequired() {
        let problems = TestChannels.problems("""
            [[channel]]
            name = "a"
            type = "lines"

            [[channel]]
            type = "lines"

            [[channel]]
            name = "c"
            """)
        #expect(problems.count == 2)
        #expect(problems[0].line == 5)
        #expect(problems[0].message.contains("missing required key \"name\""))
        #expect(problems[1].line == 8)
        #expect(problems[1].message.contains("missing required key \"type\""))
    }

    @Test("values of the wrong kind, choices and unknown types")
    func badValues() {
        let problems = TestChannels.problems("""
            [storage]
            type = "oracle"

            [[channel]]
            name = "a"
            type = "lines"
            limit = "ten"
            tags = ["x", 2]
            mode = "loose"

            [[channel]]
            name = "b"
            type = "carrier-pigeon"
            """)
        #expect(problems.map(\.line) == [2, 7, 8, 9, 13])
        #expect(problems[0].message.contains("\"oracle\" is not allowed; expected one of \"sqlite\""))
        #expect(problems[1].message.contains("expected an integer, found a string"))
        #expect(problems[2].message.contains("expected an array of strings"))
        #expect(problems[3].message.contains("\"loose\" is not allowed"))
        #expect(problems[4].message.contains("unknown channel type \"carrier-pigeon\"; known types: lines"))
    }

    @Test("duplicate names and shared watched folders")
    func duplicates() {
        let problems = TestChannels.problems("""
            [[channel]]
            name = "a"
            type = "lines"
            inbox = "drop/a"

            [[channel]]
            name = "a"
            type = "lines"

            [[channel]]
            name = "b"
            type = "lines"
            inbox = "./drop/../drop/a"
            """)
        #expect(problems.count == 2)
        #expect(problems[0].line == 7)
        #expect(problems[0].message.contains("duplicate channel name \"a\" (first declared on line 2)"))
        #expect(problems[1].line == 13)
        #expect(problems[1].message.contains("is already watched by channel \"a\""))
    }

    @Test("drop folders may not be /, a system folder, or hold the store or the archive; all reported at once")
    func unsafeDropFolders() {
        let problems = TestChannels.problems("""
            [storage]
            path = "state/c.sqlite"
            [archive]
            path = "state/archive"

            [[channel]]
            name = "root"
            type = "lines"
            inbox = "/"

            [[channel]]
            name = "etc"
            type = "lines"
            inbox = "/etc/ssh"

            [[channel]]
            name = "own"
            type = "lines"
            inbox = "state"

            [[channel]]
            name = "inside"
            type = "lines"
            inbox = "state/archive/objects"

            [[channel]]
            name = "fine"
            type = "lines"
            inbox = "drop/fine"
            """)
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.map(\.line) == [9, 14, 19, 24])
        #expect(problems[0].message.contains("the root folder / cannot be a drop folder"))
        #expect(problems[1].message.contains("is a system folder (under /etc)"))
        #expect(problems[2].message.contains("holds the store"))
        #expect(problems[3].message.contains("is inside the archive"))
    }

    @Test("a plugin's own check is located too, and every problem is reported at once")
    func pluginCheckAndAllAtOnce() {
        let problems = TestChannels.problems("""
            [archive]
            path = 3

            [[channel]]
            name = "bad name!"
            type = "lines"

            [[channel]]
            name = "ok"
            type = "lines"
            limit = -1
            """)
        #expect(problems.count == 3)
        #expect(problems.map(\.line) == [2, 5, 11])
        #expect(problems[2].message == "must not be negative")
        #expect(problems[2].key == "channel \"ok\" limit")
    }

    @Test("a value of the wrong kind does not hide the plugin's checks of the channel's other values")
    func typeErrorsDoNotHideValueErrors() {
        let problems = TestChannels.problems("""
            [[channel]]
            name = "ok"
            type = "lines"
            tags = ["x", 2]
            limit = -1
            """)
        #expect(problems.map(\.line) == [4, 5])
        #expect(problems[0].message.contains("expected an array of strings"))
        #expect(problems[1].message == "must not be negative")
    }

    @Test("table headers that do not start like a name, and control characters, are refused before the TOML parser sees them")
    func hostileText() {
        for (text, line) in [("[[[1]]]\n", 1), ("[\u{1B}storage]\n", 1), ("[storage]\npath = \"a\"\n[[ =\n", 3), ("[[[a]]]", 1), ("# ok\n[@x]", 2),
                             // Three quotes inside a one-line string open no multi-line string.
                             ("[server]\nlisten = \"127.0.0.1:808'''0\"\n[#dedup]\n", 3),
                             // "}" where an array expects a value: in one line, across lines, after a comment.
                             ("a = [}]", 1), ("a = 1\nb = [1, }]", 2), ("a = {b = [}]}", 1), ("a = [\n# c\n}]", 3), ("a = [[}]]", 1)] {
            let problems = TestChannels.problems(text)
            #expect(problems.map(\.line) == [line], "\(text.debugDescription): \(problems)")
        }
        // Braces and brackets inside strings, and valid nesting, are fine.
        #expect(TestChannels.problems("a = [\"}\", '}', { b = 1 }, [1, 2]]\n").allSatisfy { !$0.message.contains("array expects") })
        // A header-like line inside a multi-line string is text.
        #expect(TestChannels.problems("[[channel]]\nname = \"a\"\ntype = \"lines\"\nnote = \"\"\"\n[[[not a header]]]\n\"\"\"\n")
                    .allSatisfy { !$0.message.contains("table header") })
    }

    @Test("archive retention must be a positive number of days")
    func retention() throws {
        let problems = TestChannels.problems("[archive]\nretention_days = 0\n")
        #expect(problems.map(\.line) == [2])
        #expect(problems.first?.message.contains("at least 1") == true)
        #expect(try TestChannels.load("[archive]\nretention_days = 90\n").config.archive.retentionDays == 90)
        #expect(try TestChannels.load("").config.archive.retentionDays == nil)
    }

    @Test("[dedup]: defaults, values, and out-of-range or mistyped keys located")
    func dedup() throws {
        let defaults = try TestChannels.load("").config.dedup
        #expect(defaults == DedupSettings())
        #expect(defaults.enabled && defaults.nearDuplicateThreshold == 0.5 && defaults.window == 30 * 86_400)
        let set = try TestChannels.load("""
            [dedup]
            window_days = 7
            near_duplicate_threshold = 0.8
            cluster_threshold = 1
            cluster_window_hours = 6
            mass_complaint_customers = 50
            mass_complaint_window_minutes = 15
            """).config.dedup
        #expect(set.window == 7 * 86_400)
        #expect(set.nearDuplicateThreshold == 0.8)
        #expect(set.clusterThreshold == 1.0)
        #expect(set.clusterWindow == 6 * 3_600)
        #expect(set.massComplaintCustomers == 50)
        #expect(set.massComplaintWindow == 15 * 60)
        #expect(try TestChannels.load("[dedup]\nenabled = false\n").config.dedup.enabled == false)

        let problems = TestChannels.problems("""
            [dedup]
            near_duplicate_threshold = 1.5
            cluster_threshold = "high"
            window_days = 0
            mass_complaint_customers = 1
            treshold = 0.5
            """)
        #expect(problems.map(\.line) == [2, 3, 4, 5, 6])
        #expect(problems.map(\.key) == ["dedup.near_duplicate_threshold", "dedup.cluster_threshold", "dedup.window_days",
                                        "dedup.mass_complaint_customers", "dedup.treshold"])
        #expect(problems[0].message.contains("greater than 0 and at most 1"))
        #expect(problems[1].message.contains("expected a number"))
        #expect(problems[2].message.contains("at least 1"))
        #expect(problems[3].message.contains("at least 2"))
        #expect(problems[4].message.contains("unknown key"))
    }

    @Test("--set style literals")
    func literals() {
        #expect(ConfigLoader.tomlLiteral("42") == "42")
        #expect(ConfigLoader.tomlLiteral("asterisk") == "\"asterisk\"")
        #expect(ConfigLoader.tomlLiteral("Asia/Shanghai") == "\"Asia/Shanghai\"")
        #expect(ConfigLoader.tomlLiteral("[\"a\", \"b\"]") == "[\"a\", \"b\"]")
        #expect(ConfigLoader.tomlLiteral("say \"hi\"") == "\"say \\\"hi\\\"\"")
    }

    @Test("[[token]]: secrets by reference only, known scopes, no short or shared secrets")
    func tokens() throws {
        setenv("CG_CONFIG_TEST_TOKEN", "a-long-enough-random-secret", 1)
        setenv("CG_CONFIG_TEST_SHORT", "short", 1)
        let ok = try TestChannels.load("""
            [[token]]
            name = "reader"
            secret = { env = "CG_CONFIG_TEST_TOKEN" }
            scopes = ["feed:read", "pii"]
            """)
        #expect(ok.config.tokens.map(\.name) == ["reader"])
        #expect(ok.config.tokens.first?.allows(.pii) == true)
        #expect(ok.config.tokens.first?.allows(.formsWrite) == false)
        #expect("\(ok.config.tokens[0].secret)".contains("a-long") == false, "secrets never print")

        let problems = TestChannels.problems("""
            [[token]]
            name = "a"
            secret = "literal-secret-in-the-file"
            scopes = ["feed:read"]

            [[token]]
            name = "b"
            secret = { env = "CG_CONFIG_TEST_UNSET" }
            scopes = ["feed:write"]

            [[token]]
            name = "c"
            secret = { env = "CG_CONFIG_TEST_SHORT" }
            scopes = ["admin"]

            [[token]]
            name = "c"
            secret = { env = "CG_CONFIG_TEST_TOKEN" }
            scopes = []
            """)
        let messages = problems.map { "\($0.line ?? 0): \($0.message)" }
        #expect(problems.contains { $0.line == 3 && $0.message.contains("a secret is never written inline") }, "\(messages)")
        #expect(problems.contains { $0.line == 8 && $0.message.contains("CG_CONFIG_TEST_UNSET is not set") }, "\(messages)")
        #expect(problems.contains { $0.line == 9 && $0.message.contains("unknown scope \"feed:write\"") }, "\(messages)")
        #expect(problems.contains { $0.line == 13 && $0.message.contains("shorter than 16 bytes") }, "\(messages)")
        #expect(problems.contains { $0.line == 17 && $0.message.contains("duplicate token name") }, "\(messages)")
    }

    @Test("[[sink]]: webhooks need a URL, files a folder; values checked")
    func sinks() throws {
        let ok = try TestChannels.load("""
            [[sink]]
            name = "tickets"
            type = "webhook"
            url = "https://tickets.example.cn/hook"
            types = ["complaint.received"]
            max_attempts = 3

            [[sink]]
            name = "files"
            type = "ndjson"
            path = "feed"
            """, baseDirectory: URL(fileURLWithPath: "/srv/gw"))
        #expect(ok.config.sinks.map(\.name) == ["tickets", "files"])
        #expect(ok.config.sinks[0].maxAttempts == 3)
        #expect(ok.config.sinks[1].path?.path == "/srv/gw/feed")

        let problems = TestChannels.problems("""
            [[sink]]
            name = "a"
            type = "webhook"
            url = "ftp://x"

            [[sink]]
            name = "b"
            type = "ndjson"

            [[sink]]
            name = "c"
            type = "kafka"

            [[sink]]
            name = "d"
            type = "webhook"
            url = "https://x.example"
            types = ["complaint.deleted"]
            """)
        let messages = problems.map { "\($0.line ?? 0): \($0.message)" }
        #expect(problems.contains { $0.line == 4 && $0.message.contains("needs url") }, "\(messages)")
        #expect(problems.contains { $0.line == 6 && $0.message.contains("needs path") }, "\(messages)")
        #expect(problems.contains { $0.line == 12 && $0.message.contains("\"kafka\" is not allowed") }, "\(messages)")
        #expect(problems.contains { $0.line == 18 && $0.message.contains("unknown event type") }, "\(messages)")
    }

    @Test("the nearest allowed name: typos within a third of the name's length, swaps counted once")
    func nearestName() {
        #expect(NearestName.suggestion(for: "prefx", among: ["name", "type", "prefix"]) == "prefix")
        #expect(NearestName.suggestion(for: "tiem_zone", among: ["time_zone", "format"]) == "time_zone")
        #expect(NearestName.suggestion(for: "Path", among: ["path", "url"]) == "path")
        #expect(NearestName.suggestion(for: "engine", among: ["path", "url", "max_connections"]) == nil)
        #expect(NearestName.suggestion(for: "x", among: []) == nil)
    }
}
