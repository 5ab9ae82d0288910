import Foundation
import PropertyBased

/// Mutation fuzzing on top of PropertyBased: each case takes one seed input
/// (a real fixture) and applies a few edits chosen by random numbers the
/// library generates, so a failure prints a seed that reproduces it and
/// shrinks to the fewest edits. The edits are the ones that break parsers:
/// bytes overwritten, grammar tokens inserted (boundaries, encoded words,
/// quotes, entity declarations), ranges deleted or repeated, truncation.
public enum Fuzz {
    /// Cases per fuzz target: `COMPLAINT_GATEWAY_FUZZ_CASES`, else 300 (what
    /// CI runs on every push; `scripts/fuzz` runs many more).
    public static var cases: Int {
        ProcessInfo.processInfo.environment["COMPLAINT_GATEWAY_FUZZ_CASES"].flatMap(Int.init) ?? 300
    }

    /// The random numbers one case's edits are made from.
    public static let edits = Gen<UInt64>.value().array(of: 0...10)

    /// A seed index generator for `count` seeds.
    public static func seed(of count: Int) -> Generator<Int, Shrink.Integer<Int>> {
        Gen.int(in: 0...(count - 1))
    }

    /// `seed` with the edits `randoms` describe, drawing inserted text from `tokens`.
    public static func mutate(_ seed: [UInt8], with randoms: [UInt64], tokens: [[UInt8]]) -> [UInt8] {
        var bytes = seed
        for r in randoms {
            let kind = r % 7, a = Int((r >> 8) % UInt64(max(bytes.count, 1) + 1)), b = Int(r >> 40)
            switch kind {
            case 0 where !bytes.isEmpty:  // overwrite a byte
                bytes[min(a, bytes.count - 1)] = UInt8(truncatingIfNeeded: b)
            case 1, 2:  // insert a grammar token
                guard !tokens.isEmpty else { continue }
                bytes.insert(contentsOf: tokens[b % tokens.count], at: min(a, bytes.count))
            case 3:  // delete a range
                let end = min(bytes.count, a + b % 64)
                if a < end { bytes.removeSubrange(a..<end) }
            case 4:  // repeat a range many times (siblings, nesting, long lines)
                let end = min(bytes.count, a + 1 + b % 32)
                if a < end { bytes.insert(contentsOf: Array(repeating: Array(bytes[a..<end]), count: 1 + b % 200).joined(), at: end) }
            case 5:  // truncate
                bytes.removeSubrange(min(a, bytes.count)...)
            default:  // a high or control byte
                bytes.insert([0x00, 0x0D, 0x0A, 0x1B, 0x80, 0xFF, 0xC3, 0xE4][b % 8], at: min(a, bytes.count))
            }
        }
        return bytes
    }

    /// Writes the input about to be tried to `$COMPLAINT_GATEWAY_FUZZ_LAST/<target>`
    /// when that folder is set: a crash kills the test process before
    /// PropertyBased can report, and `scripts/fuzz` keeps this file as the
    /// regression fixture.
    public static func record(_ bytes: [UInt8], target: String) {
        guard let folder = ProcessInfo.processInfo.environment["COMPLAINT_GATEWAY_FUZZ_LAST"] else { return }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/" + target, contents: Data(bytes))
    }

    /// Files in `folder` (fixtures, corpus inputs), at most `limit` bytes each.
    public static func seeds(in folder: URL, limit: Int = 256 * 1024, matching: (String) -> Bool = { _ in true }) -> [[UInt8]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter(matching).compactMap { name in
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path), data.count <= limit else { return nil }
            return Array(data)
        }
    }

    /// Inputs that once broke a target, kept as fixtures and replayed on every run.
    public static func regressions(_ target: String) -> [[UInt8]] {
        seeds(in: RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/fuzz-regressions/\(target)"))
    }
}
