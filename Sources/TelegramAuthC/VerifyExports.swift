import CTGAuth
import TelegramAuth

// tgauth_verify.h: versions and errors, the verifiers, their typed results, secrets and signing.

// MARK: Version and errors

@c @implementation public func tgauth_version_number() -> UInt32 { UInt32(TelegramAuthVersion.number) }

@c @implementation public func tgauth_version_string() -> UnsafePointer<CChar>! {
    StaticStrings.version
}

/// Static C strings, made once from the one table of kinds (`TelegramAuthError.Kind`): index 0 is success.
enum StaticStrings {
    nonisolated(unsafe) static let version = permanent(TelegramAuthVersion.string)
    /// The layout of the records this library writes (generated into tgauth_record.h with the layout).
    nonisolated(unsafe) static let recordFingerprint = permanent(TGAUTH_RECORD_FINGERPRINT)
    nonisolated(unsafe) static let kinds = (["ok"] + TelegramAuthError.Kind.allCases.map(\.rawValue)).map(permanent)
    nonisolated(unsafe) static let messages = (["success"] + TelegramAuthError.Kind.allCases.map(\.message)).map(permanent)
    nonisolated(unsafe) static let unknownKind = permanent("unknown")
    nonisolated(unsafe) static let unknownMessage = permanent("unknown status")

    /// A NUL-terminated copy that lives for the life of the process.
    static func permanent(_ s: String) -> UnsafePointer<CChar> {
        let bytes = Array(s.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return UnsafePointer(p)
    }
}

@c @implementation public func tgauth_strerror(_ code: Int32) -> UnsafePointer<CChar>! {
    code >= 0 && Int(code) < StaticStrings.messages.count ? StaticStrings.messages[Int(code)] : StaticStrings.unknownMessage
}

@c @implementation public func tgauth_error_kind(_ code: Int32) -> UnsafePointer<CChar>! {
    code >= 0 && Int(code) < StaticStrings.kinds.count ? StaticStrings.kinds[Int(code)] : StaticStrings.unknownKind
}

@c @implementation public func tgauth_secret_bytes() -> Int { 32 }
@c @implementation public func tgauth_public_key_bytes() -> Int { 32 }
@c @implementation public func tgauth_private_key_bytes() -> Int { 32 }

@c @implementation public func tgauth_check_init(_ check: UnsafeMutablePointer<tgauth_check>?) -> Int32 {
    guard let check else { return TGAUTH_E_INVALID_ARGUMENT }
    check.pointee = tgauth_check(
        max_age: ValidationOptions.defaultMaxAge, future_skew: ValidationOptions.defaultFutureSkew, now: 0,
        max_input_bytes: ValidationOptions.defaultMaxInputBytes)
    return TGAUTH_OK
}

// MARK: Bot API webhooks

@c @implementation public func tgauth_webhook_secret_check(
    _ err: UnsafeMutablePointer<tgauth_error>?, _ secret: UnsafePointer<CChar>?, _ secretLen: Int,
    _ header: UnsafePointer<CChar>?, _ headerLen: Int
) -> Int32 {
    do throws(TelegramAuthError) {
        let token = try WebhookSecretToken(try argument(secret, secretLen, "the webhook secret"))
        // a header longer than any secret, or of no buffer's length, is not the secret: it is never read
        guard headerLen >= 0, headerLen <= WebhookSecretToken.maxLength else { throw WebhookSecretToken.refused }
        try token.check(header: header == nil && headerLen == 0 ? nil : try argument(header, headerLen, "the header"))
        return succeed(err)
    } catch {
        return report(err, error)
    }
}

// MARK: Mini App

@c @implementation public func tgauth_mini_app_new(
    _ validator: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int
) -> Int32 {
    createHandle(validator, err) { () throws(TelegramAuthError) in
        try MiniAppValidator(botToken: try argumentText(botToken, botTokenLen, "the bot token"))
    }
}

@c @implementation public func tgauth_mini_app_free(_ validator: OpaquePointer?) {
    release(validator, as: MiniAppValidator.self)
}

@c @implementation public func tgauth_mini_app_validate(
    _ validator: OpaquePointer?, _ data: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ initData: UnsafePointer<CChar>?, _ initDataLen: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verify(validator, as: MiniAppValidator.self, data, err) { (v) throws(TelegramAuthError) in
        retainResult(try v.validate(bytes: try inputBytes(initData, initDataLen), options: options(check)))
    }
}

// MARK: Third party

@c @implementation public func tgauth_third_party_new(
    _ validator: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?, _ botID: Int64, _ environment: Int32
) -> Int32 {
    createHandle(validator, err) { () throws(TelegramAuthError) in
        guard let env = telegramEnvironment(environment) else { throw .invalidArgument("unknown environment") }
        return try ThirdPartyValidator(botID: botID, environment: env)
    }
}

@c @implementation public func tgauth_third_party_new_with_key(
    _ validator: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?, _ botID: Int64, _ publicKey: UnsafePointer<UInt8>?,
    _ publicKeyLen: Int
) -> Int32 {
    createHandle(validator, err) { () throws(TelegramAuthError) in
        guard publicKey != nil else { throw .invalidArgument("NULL public key") }
        let key = try Ed25519PublicKey(rawRepresentation: try argument(publicKey, publicKeyLen, "the public key"))
        return try ThirdPartyValidator(botID: botID, publicKey: key)
    }
}

@c @implementation public func tgauth_third_party_free(_ validator: OpaquePointer?) {
    release(validator, as: ThirdPartyValidator.self)
}

@c @implementation public func tgauth_third_party_validate(
    _ validator: OpaquePointer?, _ data: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ initData: UnsafePointer<CChar>?, _ initDataLen: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verify(validator, as: ThirdPartyValidator.self, data, err) { (v) throws(TelegramAuthError) in
        retainResult(try v.validate(bytes: try inputBytes(initData, initDataLen), options: options(check)))
    }
}

@c @implementation public func tgauth_third_party_set_cache_size(_ validator: OpaquePointer?, _ entries: Int) -> Int32 {
    guard let validator, entries >= 0, entries <= Int(Int32.max) else { return TGAUTH_E_INVALID_ARGUMENT }
    unboxed(validator, as: ThirdPartyValidator.self).cache.setCapacity(entries)
    return TGAUTH_OK
}

@c @implementation public func tgauth_third_party_cache_stats(
    _ validator: OpaquePointer?, _ hits: UnsafeMutablePointer<UInt64>?, _ misses: UnsafeMutablePointer<UInt64>?,
    _ entries: UnsafeMutablePointer<Int>?, _ capacity: UnsafeMutablePointer<Int>?
) -> Int32 {
    guard let validator else { return TGAUTH_E_INVALID_ARGUMENT }
    let s = unboxed(validator, as: ThirdPartyValidator.self).cache.statistics
    hits?.pointee = s.hits
    misses?.pointee = s.misses
    entries?.pointee = s.count
    capacity?.pointee = s.capacity
    return TGAUTH_OK
}

// MARK: Login Widget

@c @implementation public func tgauth_widget_new(
    _ verifier: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int
) -> Int32 {
    createHandle(verifier, err) { () throws(TelegramAuthError) in
        try LoginWidgetVerifier(botToken: try argumentText(botToken, botTokenLen, "the bot token"))
    }
}

@c @implementation public func tgauth_widget_free(_ verifier: OpaquePointer?) {
    release(verifier, as: LoginWidgetVerifier.self)
}

@c @implementation public func tgauth_widget_verify(
    _ verifier: OpaquePointer?, _ data: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ inputText: UnsafePointer<CChar>?, _ inputLen: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verify(verifier, as: LoginWidgetVerifier.self, data, err) { (v) throws(TelegramAuthError) in
        retainResult(try v.verify(bytes: try inputBytes(inputText, inputLen), options: options(check)))
    }
}

/// Converts C pairs, reading no more than `budget` bytes of keys and values (a pair counts two more, for
/// its separators, as the size limit counts them).
/// - Throws: `overBudget` (`too_large` for verification, `invalid_argument` for signing) when the pairs are
///   longer than `budget`, before any of their bytes is read; `invalid_argument` for a NULL pointer.
func pairs(
    _ fields: UnsafePointer<tgauth_field>?, _ count: Int, budget: Int, overBudget: TelegramAuthError
) throws(TelegramAuthError) -> [(String, String)] {
    guard count != 0 else { return [] }
    guard count > 0, count <= budget / 2 else { throw overBudget }
    guard let fields else { throw .invalidArgument("NULL fields with a non-zero count") }
    var left = budget
    for i in 0..<count {
        let f = fields[i]
        // subtracting only what is known to fit, so nothing can wrap
        guard f.key_len >= 0, f.value_len >= 0, f.key_len <= left, f.value_len <= left - f.key_len,
            left - f.key_len - f.value_len >= 2
        else { throw overBudget }
        left -= f.key_len + f.value_len + 2
    }
    return try (0..<count).map { (i) throws(TelegramAuthError) in
        // the budget above bounds every length
        (try argumentText(fields[i].key, fields[i].key_len, "a key", limit: .max),
         try argumentText(fields[i].value, fields[i].value_len, "a value", limit: .max))
    }
}

@c @implementation public func tgauth_widget_verify_fields(
    _ verifier: OpaquePointer?, _ data: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ fields: UnsafePointer<tgauth_field>?, _ fieldCount: Int, _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verify(verifier, as: LoginWidgetVerifier.self, data, err) { (v) throws(TelegramAuthError) in
        let o = options(check)
        let tooLarge = TelegramAuthError(.tooLarge, "the fields are longer than the limit of \(o.maxInputBytes) bytes")
        let list = try pairs(fields, fieldCount, budget: o.maxInputBytes, overBudget: tooLarge)
        return retainResult(try v.verify(fields: list, options: o))
    }
}

// MARK: Secrets and signing

func writeSecret(_ out: UnsafeMutablePointer<UInt8>?, _ token: UnsafePointer<CChar>?, _ len: Int, _ derive: (String) -> [UInt8]) -> Int32 {
    guard let out, let token = try? argumentText(token, len, "the bot token"), !token.isEmpty else { return TGAUTH_E_INVALID_ARGUMENT }
    var secret = derive(token)
    out.update(from: secret, count: 32)
    for i in secret.indices { secret[i] = 0 }
    return TGAUTH_OK
}

@c @implementation public func tgauth_mini_app_secret(_ secret: UnsafeMutablePointer<UInt8>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int) -> Int32 {
    writeSecret(secret, botToken, botTokenLen) { TelegramSecrets.miniAppSecret(botToken: $0) }
}

@c @implementation public func tgauth_widget_secret(_ secret: UnsafeMutablePointer<UInt8>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int) -> Int32 {
    writeSecret(secret, botToken, botTokenLen) { TelegramSecrets.widgetSecret(botToken: $0) }
}

@c @implementation public func tgauth_telegram_public_key(_ key: UnsafeMutablePointer<UInt8>?, _ environment: Int32) -> Int32 {
    guard let key, let env = telegramEnvironment(environment) else { return TGAUTH_E_INVALID_ARGUMENT }
    key.update(from: env.publicKey.rawRepresentation, count: 32)
    return TGAUTH_OK
}


@c @implementation public func tgauth_sign_init_data(
    _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?, _ botToken: UnsafePointer<CChar>?,
    _ botTokenLen: Int, _ fields: UnsafePointer<tgauth_field>?, _ fieldCount: Int, _ authDate: Int64,
    _ ed25519Seed: UnsafePointer<UInt8>?, _ seedLen: Int, _ botID: Int64
) -> Int32 {
    guard let outLen else { return TGAUTH_E_INVALID_ARGUMENT }
    do {
        let token = try argumentText(botToken, botTokenLen, "the bot token")
        let list = try pairs(fields, fieldCount, budget: Int.max, overBudget: .invalidArgument("the fields are too long"))
        var key: Ed25519PrivateKey? = nil
        if ed25519Seed != nil || seedLen != 0 {
            key = try Ed25519PrivateKey(seed: try argument(ed25519Seed, seedLen, "the Ed25519 seed"))
        }
        let signed = try TelegramSigning.signInitData(
            botToken: token, fields: list, authDate: authDate, ed25519PrivateKey: key, botID: key == nil ? nil : botID)
        return writeOutput(Array(signed.utf8) + [0], out, outLen, nil)
    } catch {
        return statusCode(error.kind)
    }
}

@c @implementation public func tgauth_sign_widget(
    _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?, _ botToken: UnsafePointer<CChar>?,
    _ botTokenLen: Int, _ fields: UnsafePointer<tgauth_field>?, _ fieldCount: Int, _ authDate: Int64
) -> Int32 {
    guard let outLen else { return TGAUTH_E_INVALID_ARGUMENT }
    do {
        let token = try argumentText(botToken, botTokenLen, "the bot token")
        let list = try pairs(fields, fieldCount, budget: Int.max, overBudget: .invalidArgument("the fields are too long"))
        let signed = try TelegramSigning.signWidget(botToken: token, fields: list, authDate: authDate)
        let query = signed.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
        return writeOutput(Array(query.utf8) + [0], out, outLen, nil)
    } catch {
        return statusCode(error.kind)
    }
}
