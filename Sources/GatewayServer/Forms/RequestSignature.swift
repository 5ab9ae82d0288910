import Crypto
import GatewayCore

/// The `X-Signature` header of server-to-server posts: `sha256=` and the
/// lower-case hex HMAC-SHA256 of the raw body under the channel's secret (the
/// convention GitHub's and others' webhooks use).
public enum RequestSignature {
    public static let headerName = "X-Signature"
    static let prefix = "sha256="

    /// The header value for `body`.
    public static func sign(_ body: some Sequence<UInt8>, secret: SecretValue) -> String {
        let key = SymmetricKey(data: secret.bytes)
        return prefix + Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(body), using: key))
    }

    /// Whether `header` is the signature of `body`; compared in constant time.
    public static func verify(_ header: String?, body: some Sequence<UInt8>, secret: SecretValue) -> Bool {
        guard let header, header.hasPrefix(prefix) else { return false }
        let hex = header.dropFirst(prefix.count).lowercased()
        guard hex.utf8.count == 64 else { return false }
        var mac: [UInt8] = []
        var bytes = hex.utf8.makeIterator()
        while let h = bytes.next(), let l = bytes.next() {
            guard let v = HeaderParameters.hexPair(h, l) else { return false }
            mac.append(v)
        }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(body), using: SymmetricKey(data: secret.bytes))
    }
}
