/// Where each `CallField` is in a row, and which other columns there are.
///
/// Asterisk's `accountcode` is the channel's billing account (a trunk, a
/// tenant, an extension), shared by every caller on it: it is an attribute,
/// not the customer's account id, unless the channel says `accountcode =
/// "account_id"` (issue 36: a tenant code made 100,000 callers 50 "persons").
///
/// Presets describe Asterisk's fixed layouts; `mapped` layouts are resolved
/// from the configuration and, when the file has one, its header row.
struct CallLogLayout: Sendable {
    /// 0-based column of each mapped field.
    var positions: [CallField: Int]
    /// Names of all columns by position, used as attribute keys for the ones not mapped.
    var columnNames: [String]
    /// Accepted numbers of columns per row.
    var columnCounts: ClosedRange<Int>

    func value(_ field: CallField, in row: [String]) -> String? {
        guard let p = positions[field], p < row.count else { return nil }
        let v = row[p]
        return v.isEmpty ? nil : v
    }

    /// Asterisk `cdr_csv` Master.csv: no header; uniqueid and userfield are
    /// present with `loguniqueid`/`loguserfield` (the defaults), and
    /// `newcdrcolumns` adds peeraccount, linkedid and sequence.
    static let asterisk = CallLogLayout(
        positions: [.callerNumber: 1, .queue: 2, .callerName: 4, .agent: 6,
                    .start: 9, .end: 11, .duration: 12, .disposition: 14, .id: 16, .notes: 17],
        columnNames: ["accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
                      "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield",
                      "peeraccount", "linkedid", "sequence"],
        columnCounts: 16...21)

    /// The Master.csv mapping of Asterisk's `cdr_custom.conf.sample` (clid first,
    /// accountcode after amaflags, sequence last).
    static let asteriskCustom = CallLogLayout(
        positions: [.callerName: 0, .callerNumber: 1, .queue: 2, .agent: 5, .start: 8, .end: 10, .duration: 11,
                    .disposition: 13, .id: 16, .notes: 17],
        columnNames: ["clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata", "start", "answer",
                      "end", "duration", "billsec", "disposition", "amaflags", "accountcode", "uniqueid", "userfield",
                      "sequence"],
        columnCounts: 19...19)
}

extension CallLogLayout {
    /// The layout with Asterisk's `accountcode` column read as the customer's account id.
    func accountCodeAsCustomerAccount() -> CallLogLayout {
        var layout = self
        if let column = columnNames.firstIndex(of: "accountcode") { layout.positions[.accountID] = column }
        return layout
    }
}
