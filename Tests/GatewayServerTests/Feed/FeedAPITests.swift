import Foundation
import ComplaintModel
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Testing

/// The feed for other services over real HTTP: pages with cursors, one
/// complaint with its revisions, and the live stream with resume.
@Suite("Feed API over HTTP")
struct FeedAPITests {
    let client = TestHTTPClient.shared
    static let config = ServerFixture.formChannel + """

        [[channel]]
        name = "lines"
        type = "lines"
        """ + TestTokens.config
    static let pii = TestTokens.bearer(TestTokens.analyst)

    static func lines(_ range: Range<Int>, prefix: String) -> String {
        range.map { "\(prefix)\($0)|complaint number \($0)" }.joined(separator: "\n") + "\n"
    }

    @Test("paging through 10,000 complaints while ingestion runs: none missing, none repeated")
    func paging() async throws {
        let f = try ServerFixture(config: Self.config)
        let lines = f.channels.first { $0.name == "lines" }!
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("first.txt", Self.lines(0..<6000, prefix: "a")), channel: lines)
        try await f.withServer { base in
            let pipeline = f.pipeline, dir = f.dir
            let writer = Task {
                for batch in 0..<4 {
                    _ = try await pipeline.ingest(fileAt: try dir.write("more-\(batch).txt", Self.lines(batch * 1000..<(batch + 1) * 1000, prefix: "b")), channel: lines)
                }
            }
            var cursor = "0"
            var sequences: [Int64] = []
            var ids = Set<String>()
            var writerDone = false
            while true {
                let page = try await client.send("GET", base.appending(path: "v1/complaints").appending(queryItems: [
                    URLQueryItem(name: "after", value: cursor), URLQueryItem(name: "limit", value: "700")]), headers: Self.pii)
                #expect(page.status == 200)
                let events = page.json["events"] as? [[String: Any]] ?? []
                for event in events {
                    sequences.append(Int64(event["sequence"] as? String ?? "") ?? -1)
                    ids.insert((event["data"] as? [String: Any])?["id"] as? String ?? "")
                }
                cursor = page.json["next"] as? String ?? cursor
                if page.json["has_more"] as? Bool == false {
                    if writerDone { break }
                    writerDone = (try? await writer.value) != nil
                }
            }
            #expect(sequences.count == 10_000)
            #expect(sequences == Array(1...10_000), "feed order, no gap, no repeat")
            #expect(ids.count == 10_000)
        }
    }

    @Test("filters, bad parameters, and one complaint with its revisions")
    func filtersAndDetail() async throws {
        let f = try ServerFixture(config: Self.config)
        let lines = f.channels.first { $0.name == "lines" }!
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("1.txt", "x1|first words\nx2|other\n"), channel: lines)
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("2.txt", "x1|first words, corrected\n"), channel: lines)
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("3.txt", "auto:x3|I am out of the office\n"), channel: lines)
        try await f.withServer { base in
            let posted = try await client.post(base.appending(path: "v1/forms/web"), "email=a%40b.cn&topic=billing&message=from+the+web")
            let webPage = try await client.send("GET", base.appending(path: "v1/complaints").appending(queryItems: [URLQueryItem(name: "channel", value: "web")]), headers: Self.pii)
            let webEvents = webPage.json["events"] as? [[String: Any]] ?? []
            #expect(webEvents.count == 1)
            #expect(webEvents.first?["source"] as? String == "/channels/web")
            #expect(webEvents.first?["specversion"] as? String == "1.0")

            let all = try await client.send("GET", base.appending(path: "v1/complaints"), headers: Self.pii)
            #expect((all.json["events"] as? [[String: Any]])?.map { $0["type"] as? String } == ["complaint.received", "complaint.received", "complaint.updated", "complaint.received", "complaint.received"])
            // Mail a machine sent (auto-replies, bounces, lists) can be left out.
            let people = try await client.send("GET", URL(string: base.absoluteString + "/v1/complaints?include_automated=false")!, headers: Self.pii)
            let kept = (people.json["events"] as? [[String: Any]] ?? []).compactMap { ($0["data"] as? [String: Any])?["body"] as? String }
            #expect(kept.count == 4, "\(kept)")
            #expect(!kept.contains("I am out of the office"))
            let machines = try await client.send("GET", URL(string: base.absoluteString + "/v1/complaints?channel=lines")!, headers: Self.pii)
            #expect((machines.json["events"] as? [[String: Any]] ?? []).contains { (($0["data"] as? [String: Any])?["automated"] as? String) == "auto_reply" })

            for bad in ["after=-1", "after=abc", "limit=0", "limit=5000", "status=maybe", "include_duplicates=perhaps", "include_automated=sometimes"] {
                let r = try await client.send("GET", URL(string: base.absoluteString + "/v1/complaints?" + bad)!, headers: Self.pii)
                #expect(r.status == 400, "\(bad)")
                #expect(r.error["code"] as? String == "bad_parameter")
            }

            let id = ComplaintIdentity.id(channel: "lines", sourceID: "x1")
            let detail = try await client.send("GET", base.appending(path: "v1/complaints/\(id)"), headers: Self.pii)
            #expect(detail.status == 200)
            let revisions = detail.json["revisions"] as? [[String: Any]] ?? []
            #expect(revisions.map { $0["revision"] as? Int } == [2, 1])
            #expect((detail.json["complaint"] as? [String: Any])?["body"] as? String == "first words, corrected")
            #expect(try await client.send("GET", base.appending(path: "v1/complaints/\(posted.json["id"] as? String ?? "")"), headers: Self.pii).status == 200)
            #expect(try await client.send("GET", base.appending(path: "v1/complaints/no-such-id"), headers: Self.pii).status == 404)
        }
    }

    @Test("the live stream: events as committed, resume with Last-Event-ID after a drop, heartbeats")
    func stream() async throws {
        let f = try ServerFixture(config: Self.config)
        let lines = f.channels.first { $0.name == "lines" }!
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("1.txt", Self.lines(0..<5, prefix: "s")), channel: lines)
        try await f.withServer(heartbeat: .milliseconds(300)) { base in
            let port = base.port!
            let first = try SSEConnection(port: port, headers: Self.pii)
            #expect(await first.read(until: { $0.events.count >= 5 }))
            #expect(first.statusLine == "HTTP/1.1 200 OK")
            #expect(first.events.map(\.id) == [1, 2, 3, 4, 5])
            #expect(first.events.allSatisfy { $0.type == "complaint.received" })
            let data = try JSONSerialization.jsonObject(with: Data(first.events[0].data.utf8)) as? [String: Any]
            #expect(data?["sequence"] as? String == "1", "the data is the CloudEvent")
            // A form post reaches the open stream without waiting for a poll.
            let posted = try await client.post(base.appending(path: "v1/forms/web"), "email=live%40b.cn&topic=outage&message=live")
            #expect(posted.status == 202)
            #expect(await first.read(until: { $0.events.count >= 6 }, timeout: .seconds(2)))
            #expect(first.events.last?.id == 6)
            #expect(await first.read(until: { !$0.comments.isEmpty }, timeout: .seconds(3)), "an idle stream sends heartbeats")
            let lastSeen = first.events.last!.id
            _ = consume first  // the connection drops

            // Committed while no one was connected.
            _ = try await f.pipeline.ingest(fileAt: try f.dir.write("2.txt", Self.lines(5..<8, prefix: "s")), channel: lines)
            let resumed = try SSEConnection(port: port, headers: Self.pii.merging(["Last-Event-ID": "\(lastSeen)"]) { a, _ in a })
            #expect(await resumed.read(until: { $0.events.count >= 3 }))
            try await Task.sleep(for: .milliseconds(300))
            await resumed.read(until: { _ in false }, timeout: .milliseconds(200))
            #expect(resumed.events.map(\.id) == [7, 8, 9], "nothing missed, nothing repeated")

            let bad = try await client.send("GET", base.appending(path: "v1/stream"), headers: Self.pii.merging(["Last-Event-ID": "yesterday"]) { a, _ in a })
            #expect(bad.status == 400)
        }
    }

    @Test("the feed's edges: a cursor past the end is refused, an unknown channel is 404, every page and stream names the store")
    func edges() async throws {
        let f = try ServerFixture(config: Self.config)
        let lines = f.channels.first { $0.name == "lines" }!
        _ = try await f.pipeline.ingest(fileAt: try f.dir.write("1.txt", Self.lines(0..<3, prefix: "e")), channel: lines)
        let storeID = try await f.store.storeID()
        #expect(storeID.count == 32 && storeID.allSatisfy(\.isHexDigit), "\(storeID)")
        try await f.withServer { base in
            func get(_ query: String) async throws -> HTTPResult {
                try await client.send("GET", URL(string: base.absoluteString + "/v1/complaints" + query)!, headers: Self.pii)
            }
            let page = try await get("?after=0")
            #expect(page.json["store_id"] as? String == storeID)
            #expect(page.headers["Complaint-Gateway-Store-Id"] == storeID, "\(page.headers)")
            let atEnd = try await get("?after=3")
            #expect(atEnd.status == 200 && atEnd.json["next"] as? String == "3", "the newest cursor is not past the end")
            let past = try await get("?after=9999")
            #expect(past.status == 400)
            let error = past.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "cursor_past_end", "\(past.json)")
            #expect((error?["message"] as? String)?.contains("newest event is 3") == true, "\(past.json)")

            let typo = try await get("?channel=nosuch")
            #expect(typo.status == 404, "\(typo.json)")
            #expect(((typo.json["error"] as? [String: Any])?["message"] as? String)?.contains("configured: ") == true)
            let quiet = try await get("?channel=web")
            #expect(quiet.status == 200, "a configured channel with nothing yet is an empty page")

            let stream = try SSEConnection(port: base.port!, headers: Self.pii)
            #expect(await stream.read(until: { !$0.unnumbered.isEmpty && $0.events.count >= 3 }))
            let opened = try #require(stream.unnumbered.first)
            #expect(opened.type == "feed.opened")
            let data = try JSONSerialization.jsonObject(with: Data(opened.data.utf8)) as? [String: String]
            #expect(data == ["store_id": storeID, "latest_sequence": "3"])
            stream.disconnect()
            let pastStream = try await client.send("GET", base.appending(path: "v1/stream"), headers: Self.pii.merging(["Last-Event-ID": "9999"]) { a, _ in a })
            #expect(pastStream.status == 400)

            let schema = try await client.send("GET", base.appending(path: "schemas/incident-level-v1.json"))
            #expect(schema.status == 200)
            #expect(schema.json["$id"] as? String == CloudEvent.incidentSchema)
            #expect((schema.json["required"] as? [String])?.contains("customers") == true)
        }
        // Another store (reset, restored): another id.
        let other = try ServerFixture(config: Self.config)
        #expect(try await other.store.storeID() != storeID)
    }

    @Test("tokens: 401 without or with an unknown token, 403 without the scope; PII masked without pii")
    func scopes() async throws {
        let config = Self.config.replacingOccurrences(of: "honeypot = \"website\"", with: "honeypot = \"website\"\nrequire_token = true")
        let f = try ServerFixture(config: config)
        try await f.withServer { base in
            let form = base.appending(path: "v1/forms/web")
            let body = "name=%E6%9D%8E%E9%9B%B7&email=LiLei%40example.cn&phone=13800138000&topic=billing&message=masked"
            let anonymousPost = try await client.post(form, body)
            #expect(anonymousPost.status == 401)
            #expect(try await client.post(form, body, headers: TestTokens.bearer(TestTokens.reader)).status == 403)
            let posted = try await client.post(form, body, headers: TestTokens.bearer(TestTokens.poster))
            #expect(posted.status == 202)

            let feed = base.appending(path: "v1/complaints")
            let anonymous = try await client.send("GET", feed)
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(try await client.send("GET", feed, headers: TestTokens.bearer("not-a-token-at-all")).status == 401)
            let poster = try await client.send("GET", feed, headers: TestTokens.bearer(TestTokens.poster))
            #expect(poster.status == 403)
            #expect(poster.error["code"] as? String == "insufficient_scope")

            func customer(_ r: HTTPResult) -> [String: Any] {
                (((r.json["events"] as? [[String: Any]])?.first?["data"] as? [String: Any])?["customer"] as? [String: Any]) ?? [:]
            }
            let masked = customer(try await client.send("GET", feed, headers: TestTokens.bearer(TestTokens.reader)))
            #expect(masked["email"] as? String == "l***@example.cn")
            #expect(masked["phone"] as? String == "+861******8000")
            #expect(masked["name"] as? String == "李*")
            let full = customer(try await client.send("GET", feed, headers: Self.pii))
            #expect(full["email"] as? String == "lilei@example.cn")
            #expect(full["phone"] as? String == "+8613800138000")
            let detail = try await client.send("GET", base.appending(path: "v1/complaints/\(posted.json["id"] as? String ?? "")"),
                                               headers: TestTokens.bearer(TestTokens.reader))
            #expect(((detail.json["complaint"] as? [String: Any])?["customer"] as? [String: Any])?["email"] as? String == "l***@example.cn")
        }
    }

    @Test("with no tokens configured the feed is closed, and says how to open it")
    func noTokens() async throws {
        let f = try ServerFixture()
        try await f.withServer { base in
            let r = try await client.send("GET", base.appending(path: "v1/complaints"))
            #expect(r.status == 401)
            #expect((r.error["message"] as? String)?.contains("[[token]]") == true)
        }
    }
}
