/// Validates Mini App `initData` with the bot token (HMAC-SHA256).
///
/// Derives the key once; immutable and `Sendable`, so one validator serves any number of threads.
public struct MiniAppValidator: Sendable {
    let key: HMACKey

    /// - Parameter botToken: the bot's token from @BotFather.
    /// - Throws: `invalid_argument` for a token that is not of the form `<bot id>:<secret>`.
    public init(botToken: String) throws(TelegramAuthError) {
        try TelegramSecrets.checkBotToken(botToken)
        var secret = TelegramSecrets.miniAppSecret(botToken: botToken)
        key = HMACKey(key: secret)
        for i in secret.indices { secret[i] = 0 }
    }

    /// Validates initData given as a string, or as an `Authorization` header value `tma <initData>`.
    /// - Parameters:
    ///   - initData: the raw `Telegram.WebApp.initData` string.
    ///   - options: time window and size limit.
    /// - Returns: the typed, verified data.
    /// - Throws: ``TelegramAuthError`` with the reason for rejection.
    public func validate(_ initData: String, options: ValidationOptions = .default) throws(TelegramAuthError) -> InitData {
        try withBytes(of: initData) { (b) throws(TelegramAuthError) in try validate(bytes: b, options: options) }
    }

    /// Validates initData given as bytes.
    public func validate(bytes: some Collection<UInt8>, options: ValidationOptions = .default) throws(TelegramAuthError) -> InitData {
        try withBytes(of: bytes) { (b) throws(TelegramAuthError) in try validate(bytes: b, options: options) }
    }

    /// Validates initData in a caller-owned buffer; the result owns a copy of what it needs.
    public func validate(bytes input: UnsafeBufferPointer<UInt8>, options: ValidationOptions = .default) throws(TelegramAuthError) -> InitData {
        var parser = try InitDataPipeline.parse(input, options: options)
        guard let hashIndex = parser.find("hash") else { throw .missing("hash") }
        try parser.checkHMAC(key: key, hashIndex: hashIndex)
        return try InitDataPipeline.finish(&parser, options: options)
    }
}
