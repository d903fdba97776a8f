import COpenSSL

/// The Bot API's webhook secret token: the `secret_token` given to `setWebhook`, which Telegram sends back
/// in every webhook request as `X-Telegram-Bot-Api-Secret-Token`. A request without it, or with another
/// value, did not come from Telegram.
///
/// Made once from the secret; compares the SHA-256 of the header with the secret's in constant time, so
/// neither the length nor any prefix of the secret shows in the timing. Immutable; threads may share it.
public struct WebhookSecretToken: Sendable {
    /// The longest secret `setWebhook` accepts.
    public static let maxLength = 256
    /// The header Telegram sends it in.
    public static let headerName = "X-Telegram-Bot-Api-Secret-Token"

    let digest: [UInt8]

    /// - Throws: `invalid_argument` for a secret that is not 1 to 256 characters of `A-Z a-z 0-9 _ -`, as
    ///   `setWebhook` requires (its message never holds the secret).
    public init(_ secret: some Collection<UInt8>) throws(TelegramAuthError) {
        guard (1...Self.maxLength).contains(secret.count), secret.allSatisfy(Bytes.isBase64URL) else {
            throw .invalidArgument("the webhook secret must be 1-256 characters of A-Za-z0-9_-, as setWebhook requires")
        }
        digest = SHA256Digest.hash(secret)
    }

    public init(_ secret: String) throws(TelegramAuthError) { try self.init(Array(secret.utf8)) }

    /// Checks a request's header value (nil when the request has none).
    /// - Throws: `bad_webhook_secret` when it is absent or not the secret.
    public func check(header: (some Collection<UInt8>)?) throws(TelegramAuthError) {
        guard let header else { throw Self.refused }
        let given = SHA256Digest.hash(header)
        let same = given.withUnsafeBytes { a in digest.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, 32) } } == 0
        guard same else { throw Self.refused }
    }

    public func check(header: String?) throws(TelegramAuthError) { try check(header: header.map { Array($0.utf8) }) }

    package static let refused = TelegramAuthError(.badWebhookSecret, "the \(headerName) header is missing or wrong")
}
