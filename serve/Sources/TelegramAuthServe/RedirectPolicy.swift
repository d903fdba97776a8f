/// Where `rd` may send the browser after a login or logout: a path on the server's own site, or an http(s)
/// URL whose host is the server's or one named exactly with `--redirect-host`. Anything else goes to `/`.
///
/// Strict on purpose (the class of CVE-2020-5233 and CVE-2021-21291): no `//` or `/\` start, no backslash
/// anywhere, no control byte raw or percent-encoded, no credentials, no scheme but http and https, and a
/// host that must match exactly (not as a suffix, not in a query).
public struct RedirectPolicy: Sendable {
    /// Lowercased host names `rd` may name.
    public let hosts: Set<String>

    public init(ownHost: String, redirectHosts: [String]) {
        hosts = Set(([ownHost] + redirectHosts).map { $0.lowercased() })
    }

    /// `rd` when it may be followed, else `/`.
    public func target(_ rd: String?) -> String {
        guard let rd, isAllowed(rd) else { return "/" }
        return rd
    }

    public func isAllowed(_ rd: String) -> Bool {
        let bytes = Array(rd.utf8)
        guard !bytes.isEmpty, bytes.count <= 2048, !bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") }) else {
            return false
        }
        guard !Self.hasEncodedControl(bytes) else { return false }
        if bytes[0] == UInt8(ascii: "/") {
            return bytes.count == 1 || bytes[1] != UInt8(ascii: "/")  // a path, never //host
        }
        for scheme in ["https://", "http://"] where rd.lowercased().hasPrefix(scheme) {
            let rest = rd.dropFirst(scheme.count)
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = host.first, !name.isEmpty,
                name.utf8.allSatisfy({ Self.isHostByte($0) }),
                host.count == 1 || (host[1].utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && (Int(host[1]).map { $0 > 0 && $0 < 65536 } ?? false))
            else { return false }  // an @ (credentials), brackets or anything odd is refused
            return hosts.contains(name.lowercased())
        }
        return false
    }

    static func isHostByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    /// `%00`–`%1F`, `%7F`, or an encoded backslash or slash pair that a later decoding could turn into a host.
    static func hasEncodedControl(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), let value = hexByte(bytes[i + 1], bytes[i + 2]) {
                if value < 0x20 || value == 0x7F || value == UInt8(ascii: "\\") || value == UInt8(ascii: "/") { return true }
            }
            i += 1
        }
        return false
    }

    static func hexByte(_ a: UInt8, _ b: UInt8) -> UInt8? {
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        guard let h = v(a), let l = v(b) else { return nil }
        return h << 4 | l
    }
}
