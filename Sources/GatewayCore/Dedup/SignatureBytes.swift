import Foundation

/// A MinHash signature (16-bit values) as stored by every store engine:
/// little-endian bytes, 256 for 128 values.
public enum SignatureBytes {
    public static func encode(_ values: [UInt16]) -> Data {
        var data = Data(capacity: values.count * 2)
        for v in values {
            data.append(UInt8(truncatingIfNeeded: v))
            data.append(UInt8(truncatingIfNeeded: v >> 8))
        }
        return data
    }

    public static func decode(_ data: Data) -> [UInt16] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 2)).map { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        }
    }
}
