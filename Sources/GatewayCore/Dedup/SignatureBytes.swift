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
