import Crypto
import Foundation
import ComplaintModel

/// Derives the identifiers that make ingestion idempotent.
public enum ComplaintIdentity {
    /// The complaint id for a record: a UUID (version 8, RFC 9562) made from
    /// SHA-256 of the channel name and the source id. The same record arriving
    /// again, or replayed from the archive, always gets the same id.
    public static func id(channel: String, sourceID: String) -> String {
        var hasher = SHA256()
        hasher.update(utf8Of: channel)
        hasher.update(byte: 0)
        hasher.update(utf8Of: sourceID)
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(Hex.digits[Int(byte >> 4)])
            out.append(Hex.digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A digest of a complaint's content: everything a customer or a parser
    /// determines, nothing that depends on when or from which file it was
    /// ingested (`received_at`, `raw`, `dedup`, `revision`). Equal fingerprints
    /// mean a re-ingest changed nothing.
    public static func fingerprint(of complaint: Complaint) -> String {
        var canonical: [UInt8] = []
        canonical.reserveCapacity(1024)
        ComplaintJSON.write(complaint, contentOnly: true, into: &canonical)
        return Hex.encode(SHA256.hash(data: canonical))
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lower-case hex SHA-256 of `bytes` (attachment digests).
    public static func sha256(_ bytes: some Sequence<UInt8>) -> String {
        encode(SHA256.hash(data: Array(bytes)))
    }
}

extension ComplaintIdentity {
    /// Lower-case hex SHA-256 of a record's fields, for sources whose records
    /// carry no id of their own: the same record always gets the same digest.
    public static func recordDigest(_ fields: [String]) -> String {
        var hasher = SHA256()
        for (i, f) in fields.enumerated() {
            if i > 0 { hasher.update(byte: 0x1F) }
            hasher.update(utf8Of: f)
        }
        return Hex.encode(hasher.finalize())
    }
}

extension SHA256 {
    /// Hashes a string's UTF-8 without copying it when it is stored contiguously
    /// (native Swift strings are): ids and digests are computed for every record.
    mutating func update(utf8Of string: String) {
        var s = string
        s.withUTF8 { update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { update(bufferPointer: $0) }
    }
}
