import ArgumentParser
import GatewayCore

/// A raw input's SHA-256 as people copy it: whole, or a unique prefix such as
/// the 16 digits `quarantine` prints (with or without its trailing "…").
enum DigestPrefix {
    /// The prefix, cleaned, or nil when it is not 6–64 hex digits.
    static func normalize(_ text: String) -> String? {
        let cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "…", with: "")
            .replacingOccurrences(of: "...", with: "").lowercased()
        guard (6...64).contains(cleaned.count), cleaned.allSatisfy(\.isHexDigit) else { return nil }
        return cleaned
    }

    /// The one archived digest that starts with `prefix`, from the manifest.
    static func resolve(_ prefix: String, in store: some ComplaintStore) async throws -> String {
        guard prefix.count < 64 else { return prefix }
        // Manifest entries come in digest order, and every digest that starts
        // with the prefix sorts after the prefix itself: two suffice to tell.
        let candidates = try await store.archivedObjects(after: prefix, limit: 2).map(\.sha256).filter { $0.hasPrefix(prefix) }
        switch candidates.count {
        case 0: throw ValidationError("--raw \(prefix): no archived input has a digest starting so")
        case 1: return candidates[0]
        default: throw ValidationError("--raw \(prefix): several archived inputs start so (\(candidates.joined(separator: ", "))…); give more digits")
        }
    }
}
