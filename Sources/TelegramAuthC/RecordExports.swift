import CTGAuth
import TelegramAuth

// tgauth_record.h: verified results written as one record into a caller buffer.

// MARK: Results as one record

@c @implementation public func tgauth_record_fingerprint() -> UnsafePointer<CChar>! { StaticStrings.recordFingerprint }

/// Runs one verification and writes its record into `out`; `*outLen` is the capacity in, the size out.
func verifyRecord<V: Sendable>(
    _ handle: OpaquePointer?, as: V.Type, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?,
    _ run: (V, UnsafeMutablePointer<UInt8>?, Int) throws(TelegramAuthError) -> Int
) -> Int32 {
    guard let handle, let outLen else { return invalid(err, "NULL verifier or length pointer") }
    do {
        let room = try capacity(out, outLen.pointee)
        let needed = try run(unboxed(handle, as: V.self), UnsafeMutableRawPointer(out)?.assumingMemoryBound(to: UInt8.self), room)
        return finishOutput(needed: needed, capacity: room, outLen, err)
    } catch {
        return report(err, error)
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

@c @implementation public func tgauth_third_party_validate_record(
    _ validator: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ initData: UnsafePointer<CChar>?, _ initDataLen: Int,
    _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verifyRecord(validator, as: ThirdPartyValidator.self, out, outLen, err) { (v, o, c) throws(TelegramAuthError) in
        ResultRecord.write(try v.validate(bytes: try inputBytes(initData, initDataLen), options: options(check)), into: o, capacity: c)
    }
}

@c @implementation public func tgauth_widget_verify_record(
    _ verifier: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ inputText: UnsafePointer<CChar>?, _ inputLen: Int,
    _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verifyRecord(verifier, as: LoginWidgetVerifier.self, out, outLen, err) { (v, o, c) throws(TelegramAuthError) in
        ResultRecord.write(try v.verify(bytes: try inputBytes(inputText, inputLen), options: options(check)), into: o, capacity: c)
    }
}

@c @implementation public func tgauth_widget_verify_pairs_record(
    _ verifier: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ pairs: UnsafePointer<CChar>?, _ pairsLen: Int, _ pairCount: Int,
    _ check: UnsafePointer<tgauth_check>?
) -> Int32 {
    verifyRecord(verifier, as: LoginWidgetVerifier.self, out, outLen, err) { (v, o, c) throws(TelegramAuthError) in
        let b = try inputBytes(pairs, pairsLen)
        return ResultRecord.write(try v.verify(nulSeparatedPairs: b, count: pairCount, options: options(check)), into: o, capacity: c)
    }
}
