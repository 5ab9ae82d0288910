import Foundation

/// A MinHash signature (16-bit values) as stored by every store engine:
/// little-endian bytes, 256 for 128 values.
public enum SignatureBytes {
    public static func encode(_ values: [UInt16]) -> Data {
        // Written in one pass into the buffer: appending byte by byte to Data
        // was 3 % of a call-log ingest's profile.
        Data(values.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: source.count * 2) { bytes, count in
                for (i, v) in source.enumerated() {
                    bytes[2 * i] = UInt8(truncatingIfNeeded: v)
                    bytes[2 * i + 1] = UInt8(truncatingIfNeeded: v >> 8)
                }
                count = source.count * 2
            }
        })
    }

    public static func decode(_ data: Data) -> [UInt16] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 2)).map { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        }
    }
}

/// An entry's LSH band keys as stored with it by every store engine:
/// little-endian bytes, 8 per key. Another process's dedup working set reads
/// them to catch up on the entry without a scan of the band table.
public enum BandKeyBytes {
    public static func encode(_ keys: [Int64]) -> Data {
        Data(keys.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: source.count * 8) { bytes, count in
                for (i, key) in source.enumerated() {
                    withUnsafeBytes(of: key.littleEndian) { for b in 0..<8 { bytes[8 * i + b] = $0[b] } }
                }
                count = source.count * 8
            }
        })
    }

    public static func decode(_ data: Data) -> [Int64] {
        data.withUnsafeBytes { raw in
            (0..<raw.count / 8).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        }
    }
}
