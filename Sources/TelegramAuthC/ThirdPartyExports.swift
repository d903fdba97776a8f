import CTGAuth
import TelegramAuth

// Third-party Mini App data, checked by Telegram's Ed25519 signature (tgauth_verify.h), its record form
// (tgauth_record.h), its cache, and Telegram's public keys.

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

@c @implementation public func tgauth_telegram_public_key(_ key: UnsafeMutablePointer<UInt8>?, _ environment: Int32) -> Int32 {
    guard let key, let env = telegramEnvironment(environment) else { return TGAUTH_E_INVALID_ARGUMENT }
    key.update(from: env.publicKey.rawRepresentation, count: 32)
    return TGAUTH_OK
}

@c @implementation public func tgauth_third_party_validate_record(
    _ validator: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ initData: UnsafePointer<CChar>?, _ initDataLen: Int,
    _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verifyRecord(validator, as: ThirdPartyValidator.self, out, outLen, err) { (v, o, c) throws(TelegramAuthError) in
        ResultRecord.write(try v.validate(bytes: try inputBytes(initData, initDataLen), options: options(check)), into: o, capacity: c)
    }
}
