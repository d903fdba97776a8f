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
        guard url.hasPrefix("https://"), !url.utf8.contains(0) else { throw .invalidArgument("only https:// URLs are fetched") }
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

    /// The URL up to its path, as errors name it.
    static func origin(_ url: String) -> String {
        String(url.prefix { $0 != "?" && $0 != "#" })
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
