import Foundation
import Testing
import ComplaintModel
import GatewayCore
import GatewayTestSupport
import StoreTestSupport

/// `customer.repeat` and `customer.escalation_risk`: decided in the write
/// transaction, in the feed after the complaint that crossed the line, once
/// per person, kind and window.
@Suite("Customer signals")
struct CustomerSignalTests {
    typealias Fixture = DedupStageTests.Fixture
    static let day = 86_400.0

    static func complaint(_ source: String, phone: String? = "+8613800138000", body: String, days: Double) -> NormalizedComplaint {
        PersonLinkingTests.complaint(source, phone: phone, body: body, at: DedupStageTests.base.addingTimeInterval(days * day))
    }

    /// Texts about different things: none is a near-duplicate of another.
    static let texts = [
        "宽带从昨天晚上开始一直断线，重启光猫也没有用。",
        "这个月的话费账单多扣了五十元，请核实退款。",
        "营业厅工作人员态度很差，办理业务等了两个小时。",
        "手机信号在家里完全没有，打电话经常掉线。",
        "The technician never came for the appointment on Monday.",
        "My refund for the cancelled plan has not arrived.",
        "套餐变更以后流量没有按合同赠送。",
    ]

    @Test("the third complaint within the window makes a repeat complainant: customer.repeat and customer.escalation_risk once, after it",
          arguments: StoreEngine.available)
    func repeatOncePerWindow(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        for n in 0..<2 {
            let result = try await f.store.commit([Self.complaint("r\(n)", body: Self.texts[n], days: Double(n))], quarantine: [],
                                                  ingestion: f.ingestion, dedup: f.stage)
            #expect(result.customerSignals.isEmpty, "complaint \(n + 1) is not a repeat yet")
        }
        let third = try await f.store.commit([Self.complaint("r2", body: Self.texts[2], days: 2)], quarantine: [],
                                             ingestion: f.ingestion, dedup: f.stage)
        #expect(third.customerSignals.map(\.kind) == [.repeat, .escalationRisk])
        let stored = try #require(try await f.store.complaint(id: Self.complaint("r2", body: "", days: 0).complaint.id))
        let person = try #require(stored.customer.person)
        let feed = try await f.store.feed(after: 0, limit: 100)
        #expect(feed.map(\.type.rawValue) == ["complaint.received", "complaint.received", "complaint.received",
                                              "customer.repeat", "customer.escalation_risk"])
        let signal = try #require(feed[3].customer)
        #expect(signal.person == person)
        #expect(signal.complaint == stored.id)
        #expect(signal.channel == "calls")
        #expect(signal.complaintsInWindow == 3)
        #expect(signal.windowDays == 30)
        #expect(feed[4].customer?.reasons == ["repeat"])

        // A fourth complaint in the same window: still a repeat complainant, nothing new to announce.
        let fourth = try await f.store.commit([Self.complaint("r3", body: Self.texts[3], days: 3)], quarantine: [],
                                              ingestion: f.ingestion, dedup: f.stage)
        #expect(fourth.customerSignals.isEmpty)
        // Another customer is counted on their own.
        let other = try await f.store.commit([Self.complaint("o1", phone: "+8613900139000", body: Self.texts[4], days: 3)],
                                             quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(other.customerSignals.isEmpty)

        // Forty days on, the window has moved: three more complaints cross the line again.
        var later: [CustomerSignal] = []
        for n in 4..<7 {
            later += try await f.store.commit([Self.complaint("r\(n)", body: Self.texts[n], days: Double(36 + n))], quarantine: [],
                                              ingestion: f.ingestion, dedup: f.stage).customerSignals
        }
        #expect(later.map(\.kind) == [.repeat, .escalationRisk])
        #expect(later.first?.complaintsInWindow == 3)
        #expect(try await f.store.feed(after: 0, limit: 100).compactMap(\.customer).count == 4)
    }

    @Test("escalation words (12315, a lawyer) from a first complaint signal escalation risk once; a complaint nobody is linked to signals nothing",
          arguments: StoreEngine.available)
    func escalationWords(engine: StoreEngine) async throws {
        let f = try await Fixture(engine)
        let first = try await f.store.commit([Self.complaint("e1", body: "三次报修都没人来，再不处理我就投诉到12315。", days: 0)],
                                             quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(first.customerSignals.map(\.kind) == [.escalationRisk])
        #expect(first.customerSignals.first?.reasons == ["words: 12315, 投诉到"])
        #expect(first.customerSignals.first?.complaintsInWindow == 1)
        let again = try await f.store.commit([Self.complaint("e2", body: "I will ask my lawyer to contact the regulator.", days: 1)],
                                             quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(again.customerSignals.isEmpty, "once per window")
        let anonymous = try await f.store.commit([Self.complaint("e3", phone: nil, body: "我要找媒体曝光你们。", days: 1)],
                                                 quarantine: [], ingestion: f.ingestion, dedup: f.stage)
        #expect(anonymous.customerSignals.isEmpty, "no person to signal")
    }

    @Test("English escalation words count as whole words only; Chinese anywhere")
    func wholeWords() {
        let words = IdentitySettings.defaultEscalationWords
        #expect(CustomerProfile.escalationWords(in: ["Please issue the refund to my multimedia account, pressure is high."], words: words) == [])
        #expect(CustomerProfile.escalationWords(in: ["i will sue you and call the media."], words: words) == ["sue", "media"])
        #expect(CustomerProfile.escalationWords(in: ["否则我将向工信部投诉。"], words: words) == ["工信部"])
        #expect(CustomerProfile.escalationWords(in: ["media"], words: words) == ["media"])
    }

    @Test("a signal's CloudEvent: type, source /customers, the person as subject, no personal data")
    func cloudEvent() throws {
        let signal = CustomerSignal(kind: .escalationRisk, person: "p-0123456789abcdef0123", complaint: "calls-abc", channel: "calls",
                                    complaintsInWindow: 3, windowDays: 30, reasons: ["repeat", "words: 12315"],
                                    at: DedupStageTests.base)
        let event = CloudEvent(FeedEvent(sequence: 9, customer: signal, committedAt: DedupStageTests.base))
        let json = try JSONSerialization.jsonObject(with: Data(try event.jsonLine().utf8)) as? [String: Any]
        #expect(json?["type"] as? String == "customer.escalation_risk")
        #expect(json?["source"] as? String == "/customers")
        #expect(json?["subject"] as? String == "p-0123456789abcdef0123")
        #expect(json?["id"] as? String == "customer.escalation_risk.p-0123456789abcdef0123.calls-abc")
        #expect(json?["dataschema"] as? String == CloudEvent.customerSchema)
        let data = json?["data"] as? [String: Any]
        #expect(data?["complaints_in_window"] as? Int == 3)
        #expect(data?["reasons"] as? [String] == ["repeat", "words: 12315"])
        #expect(Set(data?.keys.map { $0 } ?? []) == ["kind", "person", "complaint", "channel", "complaints_in_window", "window_days",
                                                      "reasons", "at"])
    }
}
