import CTGAuth
import TelegramAuth

// What every kind shares (tgauth_verify.h, tgauth_record.h): versions, status codes, sizes, the checks'
// defaults, the record fingerprint, the record writer and the secret writer the kinds' exports use.

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

func writeSecret(_ out: UnsafeMutablePointer<UInt8>?, _ token: UnsafePointer<CChar>?, _ len: Int, _ derive: (String) -> [UInt8]) -> Int32 {
    guard let out, let token = try? argumentText(token, len, "the bot token"), !token.isEmpty else { return TGAUTH_E_INVALID_ARGUMENT }
    var secret = derive(token)
    out.update(from: secret, count: 32)
    for i in secret.indices { secret[i] = 0 }
    return TGAUTH_OK
}

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
