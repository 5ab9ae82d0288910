import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import Synchronization

/// One download through libcurl, blocking, on the thread that calls `run`.
///
/// libcurl gives what URLSession could not: a deadline for the whole
/// request (`CURLOPT_TIMEOUT_MS`, not the silence between bytes), the body
/// counted as it arrives (the write callback sees the decoded bytes, the
/// progress callback the bytes as sent) and cut off at the limit, and every
/// socket opened through `CURLOPT_OPENSOCKETFUNCTION`, where the address it
/// resolved is checked before anything connects. Redirects are followed
/// here, one request per hop, so each hop's scheme and host are checked too.
///
/// The body streams into the archive: memory does not grow with its size.
final class CurlTransfer {
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
    /// Bytes of response headers a hop may send.
    static let maxHeaderBytes = 64 << 10

    let request: DownloadRequest
    let archive: RawArchive
    let cancelled: CancelFlag

    // What the callbacks see and set, for the hop in progress.
    private var status = 0
    private var headers: [String: String] = [:]
    private var headerBytes = 0
    private var bodyBytes = 0
    private var wireBytes = 0
    private var writer: RawArchive.Writer?
    private var failure: DownloadFailure?
    private var archiveError: Error?

    init(request: DownloadRequest, archive: RawArchive, cancelled: CancelFlag) {
        self.request = request
        self.archive = archive
        self.cancelled = cancelled
    }

    func run() throws -> DownloadResponse {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { throw DownloadFailure(.transport, "libcurl could not make a handle") }
        defer { curl_easy_cleanup(handle) }
        // Whatever way this ends, no partial body stays in the archive's tmp/
        // (`finishBody` takes the writer it keeps).
        defer {
            writer?.abort()
            writer = nil
        }
        let deadline = ContinuousClock.now + request.deadline
        var url = request.url
        var totalWire = 0
        for hop in 0...request.maxRedirects {
            try perform(handle, url: url, until: deadline)
            totalWire += wireBytes
            guard (300..<400).contains(status), status != 304 else {
                return DownloadResponse(status: status, headers: headers, finalURL: url, object: try finishBody(), wireBytes: totalWire)
            }
            var location: UnsafeMutablePointer<CChar>? = nil
            _ = cg_curl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &location)
            guard let location, let next = URL(string: String(cString: location)) else {
                return DownloadResponse(status: status, headers: headers, finalURL: url, object: nil, wireBytes: totalWire)
            }
            guard ["http", "https"].contains(next.scheme?.lowercased() ?? "") else {
                throw DownloadFailure(.refusedRedirect, "redirect to \(next.scheme ?? "?"):, not http or https")
            }
            guard let host = next.host, request.permitsRedirect(host) else {
                throw DownloadFailure(.refusedRedirect, "redirect to \(next.host ?? "no host"), not in allow_redirects_to")
            }
            if hop == request.maxRedirects { break }
            url = next
        }
        throw DownloadFailure(.refusedRedirect, "more than \(request.maxRedirects) redirects")
    }

    /// The archived 2xx body, or nil.
    private func finishBody() throws -> ArchivedObject? {
        guard let writer else { return nil }
        self.writer = nil
        guard (200..<300).contains(status) else {
            writer.abort()
            return nil
        }
        return try writer.finish()
    }

    /// One hop.
    private func perform(_ handle: UnsafeMutableRawPointer, url: URL, until deadline: ContinuousClock.Instant) throws {
        curl_easy_reset(handle)
        writer?.abort()
        writer = nil
        status = 0
        headers = [:]
        headerBytes = 0
        bodyBytes = 0
        wireBytes = 0
        failure = nil
        let remaining = deadline - ContinuousClock.now
        let remainingMS = Int(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
        guard remainingMS > 0 else { throw DownloadFailure(.deadline, "no answer within \(request.deadline)") }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in request.headers where !header.value.contains(where: \.isNewline) && !header.name.contains(where: \.isNewline) {
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        defer { curl_slist_free_all(list) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let result: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            var code = cg_curl_setopt_string(handle, CURLOPT_URL, url.absoluteString)
            func set(_ option: CURLoption, _ value: Int) { if code == CURLE_OK { code = cg_curl_setopt_long(handle, option, value) } }
            func set(_ option: CURLoption, _ value: String) { if code == CURLE_OK { code = cg_curl_setopt_string(handle, option, value) } }
            func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
                if code == CURLE_OK { code = cg_curl_setopt_pointer(handle, option, pointer) }
            }
            set(CURLOPT_PROTOCOLS_STR, "http,https")
            set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            set(CURLOPT_FOLLOWLOCATION, 0)
            // No proxy from the environment: the address check must see the feed's own address.
            set(CURLOPT_PROXY, "")
            set(CURLOPT_NOSIGNAL, 1)
            set(CURLOPT_TIMEOUT_MS, remainingMS)
            set(CURLOPT_CONNECTTIMEOUT_MS, remainingMS)
            set(CURLOPT_SSL_VERIFYPEER, 1)
            set(CURLOPT_SSL_VERIFYHOST, 2)
            // "": every encoding libcurl can decode; the write callback counts what it decoded.
            set(CURLOPT_ACCEPT_ENCODING, "")
            set(CURLOPT_USERAGENT, "complaint-gateway")
            if code == CURLE_OK { code = cg_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxBytes)) }
            if code == CURLE_OK, let list { code = cg_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list) }
            set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errors.baseAddress))
            set(CURLOPT_WRITEDATA, pointer: context)
            set(CURLOPT_HEADERDATA, pointer: context)
            set(CURLOPT_XFERINFODATA, pointer: context)
            set(CURLOPT_OPENSOCKETDATA, pointer: context)
            set(CURLOPT_NOPROGRESS, 0)
            if code == CURLE_OK { code = cg_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION, Self.onBody) }
            if code == CURLE_OK { code = cg_curl_setopt_write(handle, CURLOPT_HEADERFUNCTION, Self.onHeader) }
            if code == CURLE_OK { code = cg_curl_setopt_xferinfo(handle, Self.onProgress) }
            if code == CURLE_OK { code = cg_curl_setopt_opensocket(handle, Self.onOpenSocket) }
            guard code == CURLE_OK else { return code }
            let result = curl_easy_perform(handle)
            if result != CURLE_OK, failure == nil, archiveError == nil {
                let detail = String(cString: errors.baseAddress!)
                failure = Self.failure(for: result, detail: detail, request: request)
            }
            return result
        }
        if let archiveError { throw archiveError }
        if let failure {
            writer?.abort()
            writer = nil
            throw failure
        }
        guard result == CURLE_OK else { throw DownloadFailure(.transport, String(cString: curl_easy_strerror(result))) }
    }

    static func failure(for code: CURLcode, detail: String, request: DownloadRequest) -> DownloadFailure {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return DownloadFailure(.deadline, "not done within \(request.deadline): \(text)")
        case CURLE_FILESIZE_EXCEEDED: return DownloadFailure(.tooLarge, "over \(request.maxBytes) bytes (Content-Length)")
        default: return DownloadFailure(.transport, text)
        }
    }

    // MARK: libcurl callbacks (C function pointers: no captures, `self` comes back as the context)

    private static let onBody: cg_curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.body(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    private static let onHeader: cg_curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.header(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    private static let onProgress: cg_curl_xferinfo_callback = { context, _, received, _, _ in
        guard let context else { return 1 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.progress(received: Int(received)) ? 0 : 1
    }

    private static let onOpenSocket: cg_curl_opensocket_callback = { context, _, address in
        guard let context, let address else { return CURL_SOCKET_BAD }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.openSocket(address)
    }

    private func body(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bodyBytes += bytes.count
        guard bodyBytes <= request.maxBytes else {
            failure = DownloadFailure(.tooLarge, "over \(request.maxBytes) bytes after decoding")
            return false
        }
        guard (200..<300).contains(status) else { return true }  // a redirect's or an error's body: counted, not kept
        do {
            if writer == nil { writer = try archive.makeWriter() }
            try writer!.append(bytes)
            return true
        } catch {
            archiveError = error
            return false
        }
    }

    private func header(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        guard headerBytes <= Self.maxHeaderBytes else {
            failure = DownloadFailure(.tooLarge, "response headers over \(Self.maxHeaderBytes) bytes")
            return false
        }
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/"), bodyBytes == 0 {
            // A new response (after a 100 Continue, say): its headers replace the
            // last. After the body (chunked trailers) a status line changes nothing.
            headers = [:]
            let parts = line.split(separator: " ")
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else if let colon = line.firstIndex(of: ":") {
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return true
    }

    private func progress(received: Int) -> Bool {
        wireBytes = received
        if cancelled.flag.load(ordering: .relaxed) {
            failure = DownloadFailure(.cancelled, "cancelled")
            return false
        }
        guard received <= request.maxBytes else {
            failure = DownloadFailure(.tooLarge, "over \(request.maxBytes) bytes as sent")
            return false
        }
        return true
    }

    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        let family = address.pointee.family, type = address.pointee.socktype, proto = address.pointee.protocol
        let raw = UnsafeRawPointer(address) + MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr)!
        let resolved: NetworkAddress?
        switch family {
        case AF_INET:
            let sin = raw.loadUnaligned(as: sockaddr_in.self)
            resolved = withUnsafeBytes(of: sin.sin_addr) { NetworkAddress(bytes: Array($0)) }
        case AF_INET6:
            let sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
            resolved = withUnsafeBytes(of: sin6.sin6_addr) { NetworkAddress(bytes: Array($0)) }
        default:
            resolved = nil
        }
        guard let resolved, request.permits(resolved) else {
            failure = DownloadFailure(.refusedAddress, "\(resolved.map { "\($0)" } ?? "a non-IP address") is internal "
                                      + "(loopback, private or link-local) and not in allow_internal_addresses")
            return CURL_SOCKET_BAD
        }
        return socket(family, type | Int32(SOCK_CLOEXEC.rawValue), proto)
    }
}
