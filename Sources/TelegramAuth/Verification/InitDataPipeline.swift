/// The steps shared by Mini App (HMAC) and third-party (Ed25519) validation.
enum InitDataPipeline {
    /// Removes an `Authorization` scheme prefix `tma ` (case-insensitive, then one or more spaces).
    static func stripAuthorizationScheme(_ input: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard input.count >= 4, let p = input.baseAddress,
            p[0] | 0x20 == UInt8(ascii: "t"), p[1] | 0x20 == UInt8(ascii: "m"), p[2] | 0x20 == UInt8(ascii: "a"),
            p[3] == UInt8(ascii: " ")
        else { return input }
        var i = 4
        while i < input.count && p[i] == UInt8(ascii: " ") { i += 1 }
        return UnsafeBufferPointer(start: p + i, count: input.count - i)
    }

    /// Size check, strict parse, sort, duplicate check.
    static func parse(
        _ raw: UnsafeBufferPointer<UInt8>, options: ValidationOptions, extraBytes: Int = 0
    ) throws(TelegramAuthError) -> FieldParser {
        try options.checkArguments()
        try options.checkSize(raw.count)
        let input = stripAuthorizationScheme(raw)
        let storage = FieldParser.storage(forQuery: input, extraBytes: extraBytes)
        var parser = FieldParser(storage: storage)
        try parser.parseQuery(input)
        try parser.sortAndCheckDuplicates()
        return parser
    }

    /// Reads `auth_date`, checks the time window, and decodes every known field into the header (``Schema``).
    static func finish(_ parser: inout FieldParser, options: ValidationOptions) throws(TelegramAuthError) -> InitData {
        guard let authIndex = parser.find("auth_date") else { throw .missing("auth_date") }
        let authDate = try parser.unsignedInteger(authIndex, name: "auth_date")
        try options.checkTime(authDate: authDate)

        try parser.decodeResult(Schema.initData)
        return InitData(storage: parser.storage)
    }
}

/// Runs `body` over the UTF-8 bytes of `text` and passes its typed error through.
@inline(__always)
func withBytes<T>(
    of text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(TelegramAuthError) -> T
) throws(TelegramAuthError) -> T {
    var copy = text
    var result: Result<T, TelegramAuthError>!
    copy.withUTF8 { bytes in result = Result { () throws(TelegramAuthError) -> T in try body(bytes) } }
    return try result.get()
}

@inline(__always)
func withBytes<T>(
    of bytes: some Collection<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws(TelegramAuthError) -> T
) throws(TelegramAuthError) -> T {
    var result: Result<T, TelegramAuthError>!
    let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
        result = Result { () throws(TelegramAuthError) -> T in try body(buffer) }
    }
    if done == nil {
        let array = Array(bytes)
        array.withUnsafeBufferPointer { buffer in
            result = Result { () throws(TelegramAuthError) -> T in try body(buffer) }
        }
    }
    return try result.get()
}

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

/// The Ed25519 key sets Telegram publishes for third-party validation.
public enum TelegramEnvironment: String, Sendable, CaseIterable {
    case production
    case test

    /// Telegram's public key for this environment.
    public var publicKey: Ed25519PublicKey {
        switch self {
        case .production: .telegramProduction
        case .test: .telegramTest
        }
    }
}

/// Validates initData for a bot you do not own, from its id alone, with Telegram's Ed25519 `signature`.
///
/// A Mini App sends the same initData with every request of a session, so signatures known to verify are
/// kept in a bounded cache (``cache``), keyed by a SHA-256 of the public key, the signature and the signed
/// message (which starts with the bot id). The unsigned `hash` is not part of the key, so variants of one
/// payload share one entry and cannot flush the others. A hit saves only the Ed25519 check: parsing, the
/// time window and the size limit run on every call, so the verdict and the result are a fresh
/// validation's. Copies of a validator share its cache.
public struct ThirdPartyValidator: Sendable {
    /// The cache size a validator gets unless told otherwise.
    public static let defaultCacheCapacity = 1024

    /// The bot whose Mini App produced the data.
    public let botID: Int64
    /// The key signatures are checked against.
    public let publicKey: Ed25519PublicKey
    /// Signatures known to verify; set its capacity to 0 to turn it off.
    public let cache: VerifiedSignatureCache
    /// `<bot id>:WebAppData\n`, the start of the signed message.
    let prefix: [UInt8]

    /// - Parameters:
    ///   - botID: the numeric bot id (the part of the token before the colon).
    ///   - publicKey: Telegram's key, or your own for tests.
    ///   - cacheCapacity: the most verified signatures kept; 0 turns the cache off.
    /// - Throws: `invalid_argument` for a bot id that is not positive or a negative cache capacity.
    public init(
        botID: Int64, publicKey: Ed25519PublicKey, cacheCapacity: Int = ThirdPartyValidator.defaultCacheCapacity
    ) throws(TelegramAuthError) {
        guard botID > 0 else { throw .invalidArgument("the bot id must be positive") }
        guard cacheCapacity >= 0 else { throw .invalidArgument("the cache capacity must not be negative") }
        self.botID = botID
        self.publicKey = publicKey
        prefix = Array("\(botID):WebAppData\n".utf8)
        cache = VerifiedSignatureCache(capacity: cacheCapacity)
    }

    /// Uses Telegram's key for `environment`.
    public init(
        botID: Int64, environment: TelegramEnvironment = .production,
        cacheCapacity: Int = ThirdPartyValidator.defaultCacheCapacity
    ) throws(TelegramAuthError) {
        try self.init(botID: botID, publicKey: environment.publicKey, cacheCapacity: cacheCapacity)
    }

    public func validate(_ initData: String, options: ValidationOptions = .default) throws(TelegramAuthError) -> InitData {
        try withBytes(of: initData) { (b) throws(TelegramAuthError) in try validate(bytes: b, options: options) }
    }

    public func validate(bytes: some Collection<UInt8>, options: ValidationOptions = .default) throws(TelegramAuthError) -> InitData {
        try withBytes(of: bytes) { (b) throws(TelegramAuthError) in try validate(bytes: b, options: options) }
    }

    /// Validates initData in a caller-owned buffer.
    public func validate(bytes input: UnsafeBufferPointer<UInt8>, options: ValidationOptions = .default) throws(TelegramAuthError) -> InitData {
        var parser = try InitDataPipeline.parse(input, options: options, extraBytes: prefix.count)
        guard let signatureIndex = parser.find("signature") else { throw .missing("signature") }
        let hashIndex = parser.find("hash")
        let cached: VerifiedSignatureCache.Key? = try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 66) {
            (sig) throws(TelegramAuthError) -> VerifiedSignatureCache.Key? in
            // `hash` is not signed here, but when present it must still be well-formed
            if let hashIndex { try parser.digest(hashIndex, into: sig.baseAddress!) }
            let (p, n) = parser.valuePointer(signatureIndex)
            guard n == 86, Base64URL.decode(UnsafeBufferPointer(start: p, count: n), into: sig) == 64 else {
                throw .malformed("'signature' must be 86 characters of base64url without padding (64 bytes)", field: "signature")
            }
            let signature = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(sig)[0..<64])
            let mark = parser.cursor
            defer { parser.cursor = mark }
            let message = prefix.withUnsafeBytes { parser.writeDataCheckString(prefix: $0, excluding: hashIndex, signatureIndex) }
            let key = cache.capacity > 0
                ? VerifiedSignatureCache.key(publicKey: publicKey.rawRepresentation, signature: signature, message: message) : nil
            if let key, cache.contains(key) { return key }
            guard publicKey.isValidSignature(signature, for: message) else {
                throw TelegramAuthError(.badSignature, field: "signature", "signature does not verify with the bot id and key")
            }
            return key
        }
        do {
            let data = try InitDataPipeline.finish(&parser, options: options)
            if let cached { cache.insert(cached) }
            return data
        } catch {
            // only valid data is remembered; data that has expired for good goes
            if let cached, error.kind == .expired { cache.remove(cached) }
            throw error
        }
    }
}
