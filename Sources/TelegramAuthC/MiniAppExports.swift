import CTGAuth
import TelegramAuth

// Mini App initData checked with the bot token (tgauth_verify.h), its record form (tgauth_record.h), the
// derived secret and the signer for fixtures.

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

@c @implementation public func tgauth_mini_app_secret(_ secret: UnsafeMutablePointer<UInt8>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int) -> Int32 {
    writeSecret(secret, botToken, botTokenLen) { TelegramSecrets.miniAppSecret(botToken: $0) }
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

@c @implementation public func tgauth_mini_app_validate_record(
    _ validator: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ initData: UnsafePointer<CChar>?, _ initDataLen: Int,
    _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verifyRecord(validator, as: MiniAppValidator.self, out, outLen, err) { (v, o, c) throws(TelegramAuthError) in
        ResultRecord.write(try v.validate(bytes: try inputBytes(initData, initDataLen), options: options(check)), into: o, capacity: c)
    }
}
