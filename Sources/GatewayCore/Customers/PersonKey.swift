import Crypto
import Foundation

/// The public key of a person: `p-` and 20 hex digits of an HMAC-SHA256,
/// under the store's secret salt, of the identity that founded the person.
/// Deterministic (a rebuild gives every person its key again) without being
/// reversible: phone numbers are few enough to try them all against a plain
/// hash, not against a keyed one.
public enum PersonKey {
    public static func make(founding identity: String, salt: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(identity.utf8), using: SymmetricKey(data: Array(salt.utf8)))
        return "p-" + Hex.encode(Array(mac).prefix(10))
    }

    /// Whether `text` has the form of a person key.
    public static func isPersonKey(_ text: String) -> Bool {
        text.count == 22 && text.hasPrefix("p-") && text.dropFirst(2).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
