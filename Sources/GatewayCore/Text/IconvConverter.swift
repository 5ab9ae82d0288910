import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming conversion of bytes in any charset to UTF-8 through the system's
/// iconv (Foundation on Linux cannot decode the Chinese charsets).
///
/// Feed it chunks of any size: a multi-byte character split across two chunks
/// is carried over. Bytes that are not valid in the source charset become
/// U+FFFD and are counted in `replacements`, so a caller can warn instead of
/// failing on one bad byte.
public final class IconvConverter {
    private let handle: iconv_t
    private var carry: [UInt8] = []
    /// How many invalid input bytes were replaced by U+FFFD so far.
    public private(set) var replacements = 0

    /// iconv_open's failure value, `(iconv_t)-1`.
    private static var invalid: iconv_t? { iconv_t(bitPattern: -1) }
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// - Throws: `Rejection` when iconv has no converter for `charset`.
    public init(from charset: Charset) throws {
        let h = iconv_open("UTF-8", charset.iconvName)
        guard h != Self.invalid, let h else {
            throw Rejection(reason: "this system's iconv cannot decode \(charset.iconvName)")
        }
        handle = h
    }

    deinit {
        iconv_close(handle)
    }

    /// Whether iconv can convert `name` to UTF-8. Remembered per name: every
    /// text part of every message resolves its label, and `iconv_open` loads
    /// conversion tables each time.
    static func canDecode(_ name: String) -> Bool {
        if let known = decodable.withLock({ $0[name] }) { return known }
        let h = iconv_open("UTF-8", name)
        let ok = h != invalid && h != nil
        if ok, let h { iconv_close(h) }
        decodable.withLock { cache in
            // Labels come from input; a flood of invented ones must not grow memory.
            if cache.count > 512 { cache.removeAll() }
            cache[name] = ok
        }
        return ok
    }

    private static let decodable = Mutex<[String: Bool]>([:])

    /// Converts the next chunk; pass `final: true` with the last one so that an
    /// incomplete trailing sequence is reported as replaced.
    public func convert(_ input: some Collection<UInt8>, final: Bool = false, into output: inout [UInt8]) {
        var pending = carry
        pending.append(contentsOf: input)
        carry.removeAll(keepingCapacity: true)
        var outBuffer = [UInt8](repeating: 0, count: max(256, pending.count * 4))
        pending.withUnsafeMutableBufferPointer { inBuf in
            var inPtr = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var inLeft = inBuf.count
            while inLeft > 0 {
                let (stop, written) = outBuffer.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    var outPtr = UnsafeMutableRawPointer(outBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuf.count
                    let r = iconv(handle, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (r == -1 ? errno : 0, outBuf.count - outLeft)
                }
                output.append(contentsOf: outBuffer[0..<written])
                switch stop {
                case 0:
                    break
                case E2BIG:
                    continue
                case EINVAL where !final:
                    // Incomplete sequence at the end of the chunk: keep it for the next one.
                    carry = Array(UnsafeRawBufferPointer(start: inPtr, count: inLeft))
                    inLeft = 0
                default:
                    // EILSEQ (or EINVAL at the very end): one bad byte, replace and go on.
                    output.append(contentsOf: Self.replacementCharacter)
                    replacements += 1
                    inPtr = inPtr.map { $0 + 1 }
                    inLeft -= 1
                    iconv(handle, nil, nil, nil, nil)
                }
            }
        }
    }

    /// Converts a whole byte string at once, with a converter borrowed from
    /// `pool` (opening one loads conversion tables: a tenth of mail parsing
    /// time in profiles, when every label of every message opened its own).
    public static func decode(_ bytes: some Collection<UInt8>, charset: Charset) throws -> (text: String, replacements: Int) {
        if charset.isUTF8 {
            let text = String(decoding: Array(bytes), as: UTF8.self)
            let valid = String(validating: Array(bytes), as: UTF8.self) != nil
            return (text, valid ? 0 : 1)
        }
        // Only stateless charsets are reused: glibc reads a UTF-16/32 byte-order
        // mark on a converter's first call only, and a reset does not undo that.
        let reusable = charset.isASCIICompatible
        let converter = try (reusable ? pool.take(charset) : nil) ?? IconvConverter(from: charset)
        defer { if reusable { pool.give(converter, for: charset) } }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3 / 2)
        converter.convert(bytes, final: true, into: &out)
        return (String(decoding: out, as: UTF8.self), converter.replacements)
    }

    /// Resets the conversion state for the next, unrelated input.
    private func reset() {
        iconv(handle, nil, nil, nil, nil)
        carry.removeAll()
        replacements = 0
    }

    private static let pool = Pool()

    /// Idle converters by charset, a few each: one per thread that decodes
    /// that charset at the same time is all that is ever needed.
    private final class Pool: Sendable {
        /// Safe to send: a converter is only in the pool while nobody uses it,
        /// and the pool hands each one to one taker.
        struct Idle: @unchecked Sendable {
            let converter: IconvConverter
        }
        private let idle = Mutex<[String: [Idle]]>([:])

        func take(_ charset: Charset) -> IconvConverter? {
            idle.withLock { $0[charset.iconvName]?.popLast()?.converter }
        }

        func give(_ converter: IconvConverter, for charset: Charset) {
            converter.reset()
            idle.withLock { idle in
                // Labels come from input: a flood of invented ones must not grow memory.
                if idle.count > 64 { idle.removeAll() }
                if idle[charset.iconvName, default: []].count < 8 { idle[charset.iconvName, default: []].append(Idle(converter: converter)) }
            }
        }
    }
}
