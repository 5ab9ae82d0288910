import CCurl
import Foundation

/// One IMAP conversation through libcurl (URLSession has no IMAP): one easy
/// handle, so the connection, its TLS session and its login are reused from
/// command to command. Blocking; used by one thread at a time.
final class IMAPSession {
    struct Failure: Error, CustomStringConvertible {
        var code: Int
        var description: String
        /// The server refused the login: retrying soon will not help.
        var isLoginRefused: Bool { code == Int(CURLE_LOGIN_DENIED.rawValue) }
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    private let handle: UnsafeMutableRawPointer
    let account: IMAPAccount
    /// Bytes of one response at most (a message over `max_message_bytes` is refused).
    let maxResponseBytes: Int

    init(account: IMAPAccount, maxResponseBytes: Int) throws {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { throw Failure(code: -1, description: "libcurl could not make a handle") }
        self.handle = handle
        self.account = account
        self.maxResponseBytes = maxResponseBytes
    }

    deinit { curl_easy_cleanup(handle) }

    /// Runs one request: `path` is the mailbox part of the URL (`/INBOX`,
    /// `/INBOX/;UID=7`), `command` a custom command (nil: fetch the path).
    func perform(path: String, command: String? = nil) throws -> Data {
        curl_easy_reset(handle)  // keeps the connection and its login
        let response = ResponseBuffer(limit: maxResponseBytes)
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let url = account.base + path
        let unmanaged = Unmanaged.passRetained(response)
        defer { unmanaged.release() }
        try errorBuffer.withUnsafeMutableBufferPointer { errors in
            var code = cg_curl_setopt_string(handle, CURLOPT_URL, url)
            func set(_ option: CURLoption, _ value: Int) { if code == CURLE_OK { code = cg_curl_setopt_long(handle, option, value) } }
            func set(_ option: CURLoption, _ value: String) { if code == CURLE_OK { code = cg_curl_setopt_string(handle, option, value) } }
            set(CURLOPT_USERNAME, account.user)
            set(CURLOPT_PASSWORD, String(decoding: account.password, as: UTF8.self))
            // imaps:// is TLS from the start; imap:// must upgrade with STARTTLS
            // before the login, unless the admin allowed clear text.
            set(CURLOPT_USE_SSL, Int((account.allowsInsecureLogin ? CURLUSESSL_TRY : CURLUSESSL_ALL).rawValue))
            set(CURLOPT_SSL_VERIFYPEER, 1)
            set(CURLOPT_SSL_VERIFYHOST, 2)
            if let caFile = account.caFile { set(CURLOPT_CAINFO, caFile) }
            set(CURLOPT_CONNECTTIMEOUT, account.timeoutSeconds)
            // A stalled server: under 1 byte/s for the timeout ends the request.
            set(CURLOPT_LOW_SPEED_LIMIT, 1)
            set(CURLOPT_LOW_SPEED_TIME, account.timeoutSeconds)
            set(CURLOPT_NOSIGNAL, 1)
            set(CURLOPT_PROTOCOLS_STR, "imap,imaps")
            if let command { set(CURLOPT_CUSTOMREQUEST, command) }
            if code == CURLE_OK { code = cg_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress) }
            if code == CURLE_OK { code = cg_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque()) }
            if code == CURLE_OK {
                code = cg_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                    guard let data, let context else { return 0 }
                    let buffer = Unmanaged<ResponseBuffer>.fromOpaque(context).takeUnretainedValue()
                    return buffer.append(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
                }
            }
            guard code == CURLE_OK else { throw Failure(code: Int(code.rawValue), description: String(cString: curl_easy_strerror(code))) }
            let result = curl_easy_perform(handle)
            guard result == CURLE_OK else {
                if response.overLimit {
                    throw Failure(code: Int(result.rawValue), description: "response over \(maxResponseBytes) bytes")
                }
                let detail = String(cString: errors.baseAddress!)
                if result == CURLE_USE_SSL_FAILED {
                    throw Failure(code: Int(result.rawValue), description: "the server offers no STARTTLS, so the password was not sent "
                                  + "(use imaps://, or allow_insecure_login = true in the imap table to send it in clear text)")
                }
                throw Failure(code: Int(result.rawValue),
                              description: detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail)
            }
        }
        return response.data
    }
}

/// Collects a response, up to a limit.
private final class ResponseBuffer {
    var data = Data()
    let limit: Int
    var overLimit = false

    init(limit: Int) { self.limit = limit }

    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard data.count + bytes.count <= limit else {
            overLimit = true
            return false
        }
        data.append(contentsOf: bytes)
        return true
    }
}
