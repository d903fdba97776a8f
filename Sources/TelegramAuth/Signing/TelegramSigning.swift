/// Produces data signed the way Telegram signs it, for tests and fixtures.
public enum TelegramSigning {
    /// Signs Mini App initData: adds `auth_date`, optionally an Ed25519 `signature`, and the `hash`.
    /// - Parameters:
    ///   - botToken: the bot token the `hash` is made with.
    ///   - fields: the other fields in output order (`user` holds its JSON text, and so on).
    ///   - authDate: the Unix time to put in `auth_date`.
    ///   - ed25519PrivateKey: when given, a `signature` for third-party validation is added.
    ///   - botID: the bot id the signature covers; required with a private key.
    /// - Returns: the initData query string.
    /// - Throws: `invalid_argument` for an empty token, an empty or duplicate or reserved key, or a missing bot id.
    public static func signInitData(
        botToken: String, fields: [(String, String)], authDate: Int64,
        ed25519PrivateKey: Ed25519PrivateKey? = nil, botID: Int64? = nil
    ) throws(TelegramAuthError) -> String {
        try TelegramSecrets.checkBotToken(botToken)
        guard authDate >= 0 else { throw .invalidArgument("auth_date must not be negative") }
        var reserved: Set<String> = ["hash", "auth_date"]
        if ed25519PrivateKey != nil { reserved.insert("signature") }
        var all = try checkedFields(fields, reserved: reserved)
        all.append(("auth_date", String(authDate)))
        if let ed25519PrivateKey {
            guard let botID, botID > 0 else { throw .invalidArgument("a positive bot id is required to sign with Ed25519") }
            let message = "\(botID):WebAppData\n" + dataCheckString(all)
            all.append(("signature", Base64URL.encode(ed25519PrivateKey.signature(for: message.utf8))))
        } else if botID != nil {
            throw .invalidArgument("a bot id is only used together with an Ed25519 private key")
        }
        let mac = HMACKey(key: TelegramSecrets.miniAppSecret(botToken: botToken)).authenticate(dataCheckString(all).utf8)
        all.append(("hash", Hex.encode(mac)))
        return all.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
    }

    /// Signs Login Widget data: adds `auth_date` and `hash`.
    /// - Returns: the fields in input order followed by `auth_date` and `hash`.
    public static func signWidget(
        botToken: String, fields: [(String, String)], authDate: Int64
    ) throws(TelegramAuthError) -> [(key: String, value: String)] {
        try TelegramSecrets.checkBotToken(botToken)
        guard authDate >= 0 else { throw .invalidArgument("auth_date must not be negative") }
        var all = try checkedFields(fields, reserved: ["hash", "auth_date"])
        all.append(("auth_date", String(authDate)))
        let mac = HMACKey(key: TelegramSecrets.widgetSecret(botToken: botToken)).authenticate(dataCheckString(all).utf8)
        all.append(("hash", Hex.encode(mac)))
        return all.map { (key: $0.0, value: $0.1) }
    }

    /// The sorted `key=value` lines joined by `\n`, the string Telegram's MACs and signatures cover.
    static func dataCheckString(_ fields: [(String, String)]) -> String {
        fields.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
    }

    private static func checkedFields(_ fields: [(String, String)], reserved: Set<String>) throws(TelegramAuthError) -> [(String, String)] {
        var seen = Set<String>()
        for (key, value) in fields {
            guard !key.isEmpty else { throw .invalidArgument("a field has an empty key") }
            guard !reserved.contains(key) else { throw .invalidArgument("'\(key)' is added by the signer; do not pass it") }
            guard seen.insert(key).inserted else { throw .invalidArgument("duplicate key '\(key)'") }
            guard !key.utf8.contains(0), !value.utf8.contains(0) else { throw .invalidArgument("field '\(key)' contains a NUL byte") }
            guard !key.utf8.contains(0x0A), !value.utf8.contains(0x0A), !key.utf8.contains(UInt8(ascii: "=")) else {
                throw .invalidArgument("field '\(key)' contains a line break (or its key an '='), which verification refuses")
            }
        }
        return fields
    }
}

extension TelegramSigning {
    /// Signed widget fields as the JavaScript callback's JSON: `id` and `auth_date` as numbers.
    public static func widgetJSON(_ fields: [(key: String, value: String)]) -> String {
        var w = JSONWriter()
        for (key, value) in fields {
            if (key == "id" || key == "auth_date"), let n = Int64(value), String(n) == value {
                w.integer(key, n)
            } else {
                w.string(key, value)
            }
        }
        return w.finished()
    }
}
