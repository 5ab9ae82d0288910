import Foundation
import PostgresNIO
import ComplaintModel
import GatewayCore

/// What the console reads about incident clusters and channels.
extension PostgresComplaintStore {
    private static let incidentColumns = """
        i.cluster, i.level, i.rank, i.customers, i.window_minutes, i.first_raised_at, i.raised_at,
        k.size, k.customers, k.first_seen, k.last_seen,
        substr(COALESCE(NULLIF((r.document::jsonb)->>'body', ''), (r.document::jsonb)->>'subject', ''), 1, 160), k.id
        FROM incidents i
        JOIN dedup_clusters k ON k.complaint_id = i.cluster
        LEFT JOIN complaints c ON c.id = i.cluster
        LEFT JOIN complaint_revisions r ON r.rowid = c.current_rowid
        """

    private static func incidentRecord(_ row: PostgresRow) throws -> (IncidentRecord, Int64) {
        let c = row.makeRandomAccess()
        let record = IncidentRecord(
            cluster: try c.required(0), level: try c.required(1), rank: Int(try c.required(2, Int32.self)),
            customers: Int(try c.required(3, Int32.self)), windowMinutes: Int(try c.required(4, Int32.self)),
            firstRaisedAt: Date(timeIntervalSince1970: try c.required(5)), raisedAt: Date(timeIntervalSince1970: try c.required(6)),
            complaints: Int(try c.required(7, Int32.self)), totalCustomers: Int(try c.required(8, Int32.self)),
            firstSeen: Date(timeIntervalSince1970: try c.required(9)), lastSeen: Date(timeIntervalSince1970: try c.required(10)),
            excerpt: (try c.at(11, String.self))?.replacingOccurrences(of: "\n", with: " ") ?? "")
        return (record, try c.required(12))
    }

    public func incidents(activeSince: Date, limit: Int) async throws -> [IncidentRecord] {
        try await rows("SELECT \(Self.incidentColumns) WHERE k.last_seen >= $1 ORDER BY i.rank DESC, k.last_seen DESC LIMIT $2",
                       [activeSince.timeIntervalSince1970, Int64(limit)]).map { try Self.incidentRecord($0).0 }
    }

    public func incident(cluster: String, bucket: TimeInterval?, limit: Int) async throws -> IncidentDetail? {
        guard let row = try await rows("SELECT \(Self.incidentColumns) WHERE i.cluster = $1", [cluster]).first else { return nil }
        let (record, entry) = try Self.incidentRecord(row)
        let channels = try await rows("""
            SELECT DISTINCT c.channel FROM dedup_entries e JOIN complaints c ON c.id = e.complaint_id
            WHERE e.cluster = $1 OR e.id = $1 ORDER BY 1
            """, [entry]).map { try $0.makeRandomAccess().required(0, String.self) }
        let width = bucket ?? IncidentDetail.automaticBucket(for: record)
        let origin = IncidentDetail.origin(of: record, bucket: width)
        func counts(_ sql: String) async throws -> [Int: Int] {
            Dictionary(try await rows(sql, [entry, origin, width]).map { row in
                let c = row.makeRandomAccess()
                return (Int(try c.required(0, Int64.self)), Int(try c.required(1, Int64.self)))
            }, uniquingKeysWith: +)
        }
        let complaints = try await counts("""
            SELECT floor((at - $2) / $3)::int8, COUNT(*) FROM dedup_entries WHERE cluster = $1 OR id = $1 GROUP BY 1
            """)
        let customers = try await counts("""
            SELECT floor((first - $2) / $3)::int8, COUNT(*) FROM (
                SELECT MIN(at) AS first FROM dedup_entries WHERE cluster = $1 OR id = $1 GROUP BY COALESCE(person, -id)) AS firsts
            GROUP BY 1
            """)
        let ids = try await rows("SELECT complaint_id FROM dedup_entries WHERE cluster = $1 OR id = $1 ORDER BY id DESC LIMIT $2",
                                 [entry, Int64(limit)]).map { try $0.makeRandomAccess().required(0, String.self) }
        return IncidentDetail(record: record, channels: channels, bucket: width,
                              timeline: IncidentDetail.timeline(origin: origin, bucket: width, complaints: complaints, customers: customers),
                              complaintIDs: ids)
    }

    public func channelActivity(hour: Date, day: Date) async throws -> [ChannelActivity] {
        var activity: [String: ChannelActivity] = [:]
        for row in try await rows("""
            SELECT channel, MAX(received_at),
                   SUM(CASE WHEN received_at >= $1 THEN COALESCE((counts::jsonb ->> 'new')::int, 0) ELSE 0 END)::int8,
                   SUM(CASE WHEN received_at >= $2 THEN COALESCE((counts::jsonb ->> 'new')::int, 0) ELSE 0 END)::int8
            FROM ingestions GROUP BY channel
            """, [hour, day]) {
            let c = row.makeRandomAccess()
            let channel = try c.required(0, String.self)
            activity[channel] = ChannelActivity(channel: channel, complaintsLastHour: Int(try c.at(2, Int64.self) ?? 0),
                                                complaintsLastDay: Int(try c.at(3, Int64.self) ?? 0), lastInputAt: try c.at(1, Date.self))
        }
        for row in try await rows("""
            SELECT channel, COUNT(*), COUNT(*) FILTER (WHERE created_at >= $1) FROM quarantine GROUP BY channel
            """, [day]) {
            let c = row.makeRandomAccess()
            let channel = try c.required(0, String.self)
            activity[channel, default: ChannelActivity(channel: channel)].quarantined = Int(try c.required(1, Int64.self))
            activity[channel, default: ChannelActivity(channel: channel)].quarantinedLastDay = Int(try c.required(2, Int64.self))
        }
        return activity.values.sorted { $0.channel < $1.channel }
    }
}
