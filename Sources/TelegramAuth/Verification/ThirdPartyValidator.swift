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
