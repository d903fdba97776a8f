import CHTTPS
#if canImport(Glibc)
import Glibc
#endif
import TelegramAuth

/// HTTPS requests through libcurl, for the key set and the token request: TLS verification always on, only
/// `https://`, no redirects, a timeout for the whole request and a limit on the answer's size.
public struct HTTPSClient: Sendable {
    /// The largest answer read, in bytes.
    public static let maxAnswerBytes = 1 << 20
    /// Seconds a request may take unless told otherwise.
    public static let defaultTimeout: Double = 10
    /// Seconds for one request, connection and TLS included.
    public let timeout: Double
    /// PEM certificates to trust instead of the system's (a test CA); nil for the system's.
    public let caFile: String?

    public init(timeout: Double = HTTPSClient.defaultTimeout, caFile: String? = nil) throws(TelegramAuthError) {
        guard timeout > 0, timeout <= 600 else { throw .invalidArgument("the timeout must be more than 0 and at most 600 seconds") }
        guard caFile.map({ !$0.isEmpty && !$0.utf8.contains(0) }) ?? true else { throw .invalidArgument("the CA file path is empty or has NUL") }
        self.timeout = timeout
        self.caFile = caFile
    }

    /// An answer, of any status.
    public struct Response: Sendable {
        public let status: Int
        /// `Cache-Control: max-age`, when the answer gives one.
        public let maxAge: Int?
        /// `Cache-Control: no-store` or `no-cache`.
        public let noStore: Bool
        public let body: [UInt8]
    }

    /// - Throws: `network` when no answer came (connection, TLS, timeout, an answer over the limit).
    public func get(_ url: String) throws(TelegramAuthError) -> Response {
        try request(url, headers: [], body: nil)
    }

    /// POSTs `body` with `headers`. The message of an error never holds the headers or the body (they carry the
    /// client secret and the code verifier).
    public func post(_ url: String, headers: [(String, String)], body: String) throws(TelegramAuthError) -> Response {
        try request(url, headers: headers.map { "\($0.0): \($0.1)" }, body: Array(body.utf8))
    }

    private func request(_ url: String, headers: [String], body: [UInt8]?) throws(TelegramAuthError) -> Response {
        try Self.check(url)
        var answer = tg_https_response()
        defer { tg_https_response_free(&answer) }
        let millis = Int(timeout * 1000)
        let done: Int32 = withCStrings(headers) { list in
            if let body {
                var bytes = body.map { CChar(bitPattern: $0) }
                bytes.append(0)
                return tg_https_request(url, list, bytes, body.count, caFile, millis, Self.maxAnswerBytes, &answer)
            }
            return tg_https_request(url, list, nil, 0, caFile, millis, Self.maxAnswerBytes, &answer)
        }
        let place = Self.origin(url)
        guard done == 0 else {
            let why = withUnsafeBytes(of: answer.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw TelegramAuthError(.network, "\(body == nil ? "GET" : "POST") \(place): \(why)")
        }
        let bytes = answer.body.map { Array(UnsafeBufferPointer(start: $0, count: answer.body_len)) } ?? []
        return Response(status: answer.status, maxAge: answer.max_age >= 0 ? answer.max_age : nil, noStore: answer.no_store != 0, body: bytes)
    }

    /// Refuses what is not fetched: a scheme other than https, a NUL or other control byte, and credentials
    /// in the URL (`https://user:pass@host`: they belong in the client secret, and would show in messages).
    /// - Throws: `invalid_argument`, naming no part of the URL.
    public static func check(_ url: String) throws(TelegramAuthError) {
        guard url.hasPrefix("https://"), !url.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw .invalidArgument("only https:// URLs without control characters are fetched")
        }
        guard !parts(url).authority.contains("@") else {
            throw .invalidArgument("a URL with credentials (user:password@) is refused; give the secret as the client secret")
        }
    }

    /// The URL as messages name it: scheme, host and path, without credentials, query or fragment.
    static func origin(_ url: String) -> String {
        let (scheme, authority, rest) = parts(url)
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return String(scheme + host + rest.prefix { $0 != "?" && $0 != "#" })
    }

    /// The authority of `scheme://authority/rest`, and what stands around it.
    private static func parts(_ url: String) -> (scheme: Substring, authority: Substring, rest: Substring) {
        let u = Substring(url)
        guard let colon = u.firstIndex(of: ":"), u[colon...].hasPrefix("://") else { return ("", "", u) }
        let start = u.index(colon, offsetBy: 3)
        let end = u[start...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? u.endIndex
        return (u[..<start], u[start..<end], u[end...])
    }

    private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: UnsafePointer<CChar>?.self) { body($0.baseAddress!) }
        }
    }
}
