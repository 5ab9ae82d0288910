import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatewayCore

/// What `check` warns about in where the gateway connects: feeds whose URL
/// resolves to an internal address (refused at every poll unless
/// `allow_internal_addresses` covers it, and worth a second look when it
/// does), and remote sources that may send a password in clear text.
enum ExposureWarnings {
    static func of(_ channels: [ConfiguredChannel], resolve: (String) -> [NetworkAddress] = addresses(of:)) -> [String] {
        var warnings: [String] = []
        for channel in channels {
            for target in channel.pollTargets {
                guard let host = target.url.host else { continue }
                let internalAddresses = resolve(host).filter(\.isInternal)
                guard let address = internalAddresses.first else { continue }
                if internalAddresses.allSatisfy(target.permits) {
                    warnings.append("channel \(channel.name): url \(target.url.absoluteString) is an internal address (\(address)), "
                                    + "allowed by allow_internal_addresses")
                } else {
                    warnings.append("channel \(channel.name): url \(target.url.absoluteString) resolves to the internal address \(address): "
                                    + "every poll will be refused; add it to allow_internal_addresses if this feed is yours")
                }
            }
            for source in channel.remoteSources {
                warnings += source.securityWarnings.map { "channel \(channel.name): \($0)" }
            }
        }
        return warnings
    }

    /// The addresses a host name resolves to now (an IP literal is itself); none when it does not resolve.
    static func addresses(of host: String) -> [NetworkAddress] {
        if let literal = NetworkAddress(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var out: [NetworkAddress] = []
        var entry = list
        while let e = entry {
            if e.pointee.ai_family == AF_INET, let raw = e.pointee.ai_addr {
                var sin = sockaddr_in()
                memcpy(&sin, raw, MemoryLayout<sockaddr_in>.size)
                withUnsafeBytes(of: sin.sin_addr) { out.append(NetworkAddress(bytes: Array($0))!) }
            } else if e.pointee.ai_family == AF_INET6, let raw = e.pointee.ai_addr {
                var sin6 = sockaddr_in6()
                memcpy(&sin6, raw, MemoryLayout<sockaddr_in6>.size)
                withUnsafeBytes(of: sin6.sin6_addr) { out.append(NetworkAddress(bytes: Array($0))!) }
            }
            entry = e.pointee.ai_next
        }
        return out
    }
}
