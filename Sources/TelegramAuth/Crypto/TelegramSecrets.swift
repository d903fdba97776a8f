import COpenSSL

/// Secret derivations defined by Telegram.
public enum TelegramSecrets {
    /// The Login Widget secret: SHA256(bot token).
    public static func widgetSecret(botToken: String) -> [UInt8] {
        SHA256Digest.hash(botToken.utf8)
    }

    /// The Mini App secret: HMAC-SHA256(key "WebAppData", message bot token).
    public static func miniAppSecret(botToken: String) -> [UInt8] {
        HMACKey(key: Array("WebAppData".utf8)).authenticate(botToken.utf8)
    }

    /// Refuses a bot token that is not of BotFather's form `<bot id>:<secret>` (digits, a colon, then
    /// `A-Za-z0-9_-`): an empty value, a username, or a token read from a file with its newline would
    /// otherwise reject every login with `bad_hash`. The message never contains the token.
    public static func checkBotToken(_ botToken: String) throws(TelegramAuthError) {
        guard !botToken.isEmpty else { throw .invalidArgument("the bot token is empty") }
        let bytes = Array(botToken.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), (1...20).contains(colon),
            bytes[..<colon].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), colon + 1 < bytes.count,
            bytes[(colon + 1)...].allSatisfy(Bytes.isBase64URL)
        else {
            throw .invalidArgument(
                "the bot token (\(bytes.count) bytes) is not of the form <bot id>:<secret> (digits, ':', then A-Za-z0-9_-)")
        }
    }
}

/// Compares two byte ranges in time that depends only on their length: every byte is read, the
/// differences are OR-ed together, and only the total is tested.
func constantTimeEquals(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
    guard count == 32 else { return CRYPTO_memcmp(a, b, count) == 0 }
    var difference: UInt64 = 0
    for offset in stride(from: 0, to: 32, by: 8) {
        difference |= a.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            ^ b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }
    return difference == 0
}

/// Whether two secrets (states, tokens, MACs) are equal, in time that depends only on their lengths (OpenSSL's
/// `CRYPTO_memcmp` after a length check): for servers built on the library, so none writes its own.
public func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    let a = Array(a), b = Array(b)
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
}
