import COpenSSL

/// Verifies the delivery reports the Telegram Gateway API posts to a `callback_url`.
///
/// Telegram signs each report: `X-Request-Signature` is the hex HMAC-SHA256 of the data-check-string
/// `<X-Request-Timestamp>\n<the raw body>` under the key SHA256(the Gateway API token). The verifier derives
/// the key once, compares the signature in constant time, refuses a timestamp more than ``maxSkew`` seconds
/// from now either way (a replayed or held-back report), then reads the body, a `RequestStatus` object,
/// into the typed ``GatewayReport``. Immutable; threads may share it.
public struct GatewayReportVerifier: Sendable {
    /// How far the timestamp may be from now, either way, by default: 300 s.
    public static let defaultMaxSkew: Int64 = 300
    /// The longest body read: 16 KiB (a report is a few hundred bytes).
    public static let maxBodyBytes = ValidationOptions.defaultMaxInputBytes
    public static let timestampHeader = "X-Request-Timestamp"
    public static let signatureHeader = "X-Request-Signature"

    let key: HMACKey
    /// Seconds the report's timestamp may lie before or after now.
    public let maxSkew: Int64

    /// - Parameters:
    ///   - apiToken: the Gateway API token (the account's access token).
    ///   - maxSkew: seconds the timestamp may differ from now, either way.
    /// - Throws: `invalid_argument` for an empty token, one with bytes outside printable ASCII, or a
    ///   negative skew (no message holds the token).
    public init(apiToken: some Collection<UInt8>, maxSkew: Int64 = Self.defaultMaxSkew) throws(TelegramAuthError) {
        guard !apiToken.isEmpty, apiToken.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidArgument("the Gateway API token must be non-empty printable ASCII")
        }
        guard maxSkew >= 0 else { throw .invalidArgument("the timestamp skew must not be negative") }
        var secret = SHA256Digest.hash(apiToken)
        key = HMACKey(key: secret)
        for i in secret.indices { secret[i] = 0 }
        self.maxSkew = maxSkew
    }

    public init(apiToken: String, maxSkew: Int64 = Self.defaultMaxSkew) throws(TelegramAuthError) {
        try self.init(apiToken: Array(apiToken.utf8), maxSkew: maxSkew)
    }

    /// Verifies one report.
    /// - Parameters:
    ///   - body: the request body, exactly as received.
    ///   - timestamp: the `X-Request-Timestamp` header (nil when absent).
    ///   - signature: the `X-Request-Signature` header (nil when absent).
    ///   - now: the Unix time to check against; nil reads the system clock.
    /// - Throws: `missing_field` for a missing header; `malformed` for a timestamp that is not a decimal Unix
    ///   time, a signature that is not 64 lowercase hex digits, or a body that is not a `RequestStatus`;
    ///   `too_large` for a body over ``maxBodyBytes``; `bad_signature` when the signature does not match;
    ///   `expired` or `future_auth_date` for a timestamp more than ``maxSkew`` from now.
    public func verify(
        body: UnsafeBufferPointer<UInt8>, timestamp: UnsafeBufferPointer<UInt8>?, signature: UnsafeBufferPointer<UInt8>?,
        now: Int64? = nil
    ) throws(TelegramAuthError) -> GatewayReport {
        guard let timestamp else { throw .missing(Self.timestampHeader) }
        guard let signature else { throw .missing(Self.signatureHeader) }
        guard body.count <= Self.maxBodyBytes else {
            throw TelegramAuthError(.tooLarge, "the report is \(body.count) bytes; the limit is \(Self.maxBodyBytes)")
        }
        guard let base = timestamp.baseAddress, timestamp.count <= 18, let time = Bytes.parseUnsignedDecimal(base, timestamp.count) else {
            throw .malformed("\(Self.timestampHeader) must be a Unix time in decimal digits", field: Self.timestampHeader)
        }
        var given = [UInt8](repeating: 0, count: 32)
        guard Hex.decodeDigest(signature, into: &given) else {
            throw .malformed("\(Self.signatureHeader) must be 64 lowercase hex digits", field: Self.signatureHeader)
        }
        guard CRYPTO_memcmp(mac(timestamp: timestamp, body: body), given, 32) == 0 else {
            throw TelegramAuthError(.badSignature, field: Self.signatureHeader, "\(Self.signatureHeader) does not match the report")
        }
        let ahead = Int128(time) - Int128(now ?? SystemClock.unixTime())
        if ahead > Int128(maxSkew) {
            throw TelegramAuthError(.futureAuthDate, field: Self.timestampHeader,
                                    "the report's timestamp is \(ahead) s ahead of now; at most \(maxSkew) s is allowed")
        }
        if -ahead > Int128(maxSkew) {
            throw TelegramAuthError(.expired, field: Self.timestampHeader,
                                    "the report's timestamp is \(-ahead) s old; at most \(maxSkew) s is allowed")
        }
        return try GatewayReport(json: body, context: "report")
    }

    /// HMAC-SHA256 of the data-check-string: the timestamp, a line feed, the body.
    func mac(timestamp: some Collection<UInt8>, body: some Collection<UInt8>) -> [UInt8] {
        var checked = [UInt8](timestamp)
        checked.append(0x0A)
        checked.append(contentsOf: body)
        return key.authenticate(checked)
    }

    /// The `X-Request-Signature` Telegram sends with `body` at `timestamp`, for tests and fixtures.
    public func signature(timestamp: String, body: some Collection<UInt8>) -> String {
        Hex.encode(mac(timestamp: Array(timestamp.utf8), body: body))
    }

    /// Verifies one report given as bytes or strings.
    public func verify(
        body: some Collection<UInt8>, timestamp: String?, signature: String?, now: Int64? = nil
    ) throws(TelegramAuthError) -> GatewayReport {
        try withBytes(of: body) { (b) throws(TelegramAuthError) in
            try withOptionalBytes(of: timestamp) { (t) throws(TelegramAuthError) in
                try withOptionalBytes(of: signature) { (s) throws(TelegramAuthError) in
                    try verify(body: b, timestamp: t, signature: s, now: now)
                }
            }
        }
    }

    private func withOptionalBytes<T>(
        of text: String?, _ body: (UnsafeBufferPointer<UInt8>?) throws(TelegramAuthError) -> T
    ) throws(TelegramAuthError) -> T {
        guard let text else { return try body(nil) }
        return try withBytes(of: text) { (b) throws(TelegramAuthError) in try body(b) }
    }
}
