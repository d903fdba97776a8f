import CTGAuth
import TelegramAuth

// The C ABI of include/tgauth.h. Each function is declared `@c @implementation`, so the compiler checks
// its Swift signature against the header. Every check runs in the TelegramAuth core; this file only
// converts arguments, results and errors.

final class Box<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

@inline(__always)
func retained<V: Sendable>(_ value: V) -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(Box(value)).toOpaque()) }

@inline(__always)
func unboxed<V: Sendable>(_ handle: OpaquePointer, as: V.Type) -> V {
    Unmanaged<Box<V>>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue().value
}

@inline(__always)
func release<V: Sendable>(_ handle: OpaquePointer?, as: V.Type) {
    guard let handle else { return }
    Unmanaged<Box<V>>.fromOpaque(UnsafeRawPointer(handle)).release()
}

// MARK: Status codes

func statusCode(_ kind: TelegramAuthError.Kind) -> Int32 {
    switch kind {
    case .malformed: TGAUTH_E_MALFORMED
    case .missingField: TGAUTH_E_MISSING_FIELD
    case .badHash: TGAUTH_E_BAD_HASH
    case .badSignature: TGAUTH_E_BAD_SIGNATURE
    case .expired: TGAUTH_E_EXPIRED
    case .futureAuthDate: TGAUTH_E_FUTURE_AUTH_DATE
    case .tooLarge: TGAUTH_E_TOO_LARGE
    case .invalidArgument: TGAUTH_E_INVALID_ARGUMENT
    case .badWebhookSecret: TGAUTH_E_BAD_WEBHOOK_SECRET
    case .storeFull: TGAUTH_E_STORE_FULL
    case .storeUnavailable: TGAUTH_E_STORE_UNAVAILABLE
    }
}

/// Copies `text` into a fixed C buffer, cut at a UTF-8 character boundary, NUL-terminated.
func copyTruncated<T>(_ text: String, into tuple: inout T) {
    withUnsafeMutableBytes(of: &tuple) { buffer in
        var utf8 = Array(text.utf8)
        if utf8.count > buffer.count - 1 {
            var cut = buffer.count - 1
            while cut > 0 && utf8[cut] & 0xC0 == 0x80 { cut -= 1 }
            utf8.removeSubrange(cut...)
        }
        buffer.copyBytes(from: utf8)
        buffer[utf8.count] = 0
    }
}

@discardableResult
func report(_ err: UnsafeMutablePointer<tgauth_error>?, _ error: TelegramAuthError) -> Int32 {
    let code = statusCode(error.kind)
    if let err {
        err.pointee.code = code
        copyTruncated(error.field ?? "", into: &err.pointee.field)
        copyTruncated(error.detail, into: &err.pointee.message)
    }
    return code
}

func succeed(_ err: UnsafeMutablePointer<tgauth_error>?) -> Int32 {
    if let err {
        err.pointee.code = TGAUTH_OK
        err.pointee.field.0 = 0
        err.pointee.message.0 = 0
    }
    return TGAUTH_OK
}

func invalid(_ err: UnsafeMutablePointer<tgauth_error>?, _ detail: String) -> Int32 {
    report(err, TelegramAuthError(.invalidArgument, detail))
}

// A C `size_t` arrives here as `Int`: a length of 2^63 or more is negative. No buffer can be that long, so
// every length is checked here, before anything reads the memory it describes.

/// Caller data (initData, widget input, a webhook body, a device name) as (pointer, length).
/// - Throws: `too_large` for a length no buffer can have; `invalid_argument` for NULL with a non-zero length.
func inputBytes(_ p: UnsafeRawPointer?, _ n: Int) throws(TelegramAuthError) -> UnsafeBufferPointer<UInt8> {
    guard n >= 0 else { throw TelegramAuthError(.tooLarge, "the input length \(UInt(bitPattern: n)) is larger than any buffer") }
    return try buffer(p, n)
}

/// A key, token, secret or name given as (pointer, length).
/// - Throws: `invalid_argument` for a length of 2^63 or more, or NULL with a non-zero length.
func argument(_ p: UnsafeRawPointer?, _ n: Int, _ name: String) throws(TelegramAuthError) -> UnsafeBufferPointer<UInt8> {
    guard n >= 0 else { throw .invalidArgument("the length of \(name) is larger than any buffer") }
    return try buffer(p, n)
}

/// `argument` decoded as UTF-8 (invalid sequences become U+FFFD, which every check then refuses).
func argumentText(_ p: UnsafeRawPointer?, _ n: Int, _ name: String) throws(TelegramAuthError) -> String {
    String(decoding: try argument(p, n, name), as: UTF8.self)
}

private func buffer(_ p: UnsafeRawPointer?, _ n: Int) throws(TelegramAuthError) -> UnsafeBufferPointer<UInt8> {
    guard let p else {
        guard n == 0 else { throw .invalidArgument("NULL pointer with a non-zero length") }
        return UnsafeBufferPointer(start: nil, count: 0)
    }
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: n)
}

/// The capacity of a caller's output buffer.
/// - Throws: `invalid_argument` for a capacity of 2^63 or more, which no buffer can have.
func capacity(_ n: Int) throws(TelegramAuthError) -> Int {
    guard n >= 0 else { throw .invalidArgument("the output capacity is larger than any buffer") }
    return n
}

/// `tgauth_check` to the core's options. Times are taken as given (the core's arithmetic cannot overflow);
/// a size limit of 2^63 or more means no limit short of memory itself.
func options(_ check: UnsafePointer<tgauth_check>?) -> ValidationOptions {
    guard let c = check?.pointee else { return .default }
    return ValidationOptions(
        maxAge: c.max_age == 0 ? nil : c.max_age, futureSkew: c.future_skew, now: c.now == 0 ? nil : c.now,
        maxInputBytes: c.max_input_bytes < 0 ? Int.max : c.max_input_bytes)
}

func stringOut(_ value: (UnsafePointer<CChar>, Int)?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    len?.pointee = value?.1 ?? 0
    return value?.0
}

/// Stores a new handle made by `make` in `out`; NULL `out` or a thrown error gives its status.
func createHandle<V: Sendable>(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ make: () throws(TelegramAuthError) -> V
) -> Int32 {
    guard let out else { return TGAUTH_E_INVALID_ARGUMENT }
    out.pointee = nil
    do {
        out.pointee = retained(try make())
        return TGAUTH_OK
    } catch {
        return statusCode(error.kind)
    }
}

/// Runs one verification with the verifier behind `handle`, storing the result handle in `result`.
func verify<V: Sendable>(
    _ handle: OpaquePointer?, as: V.Type, _ result: UnsafeMutablePointer<OpaquePointer?>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ run: (V) throws(TelegramAuthError) -> OpaquePointer
) -> Int32 {
    result?.pointee = nil
    guard let handle, let result else { return invalid(err, "NULL verifier or result pointer") }
    do {
        result.pointee = try run(unboxed(handle, as: V.self))
        return succeed(err)
    } catch {
        return report(err, error)
    }
}

/// TGAUTH_ENVIRONMENT_* to the core's environment; nil for an unknown code.
func telegramEnvironment(_ code: Int32) -> TelegramEnvironment? {
    switch code {
    case TGAUTH_ENVIRONMENT_PRODUCTION: .production
    case TGAUTH_ENVIRONMENT_TEST: .test
    default: nil
    }
}

// MARK: Version and errors

@c @implementation public func tgauth_version_number() -> UInt32 { UInt32(TelegramAuthVersion.number) }

@c @implementation public func tgauth_version_string() -> UnsafePointer<CChar>! {
    StaticStrings.version
}

enum StaticStrings {
    nonisolated(unsafe) static let version = permanent(TelegramAuthVersion.string)
    nonisolated(unsafe) static let kinds: [UnsafePointer<CChar>] = [
        "ok", "malformed", "missing_field", "bad_hash", "bad_signature", "expired", "future_auth_date", "too_large",
        "invalid_argument", "buffer_too_small", "bad_webhook_secret", "store_full", "store_unavailable",
    ].map(permanent)
    nonisolated(unsafe) static let messages: [UnsafePointer<CChar>] = [
        "success", "malformed input", "a required field is missing", "the hash does not match",
        "the signature does not verify", "auth_date is too old", "auth_date is in the future",
        "the input is too large", "invalid argument", "the output buffer is too small",
        "the webhook secret header is missing or wrong", "the login store is full", "the login store is unavailable",
    ].map(permanent)
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

// MARK: Mini App

@c @implementation public func tgauth_mini_app_new(
    _ validator: UnsafeMutablePointer<OpaquePointer?>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int
) -> Int32 {
    createHandle(validator) { () throws(TelegramAuthError) in
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
        ResultHandle.retain(try v.validate(bytes: try inputBytes(initData, initDataLen), options: options(check)))
    }
}

// MARK: Third party

@c @implementation public func tgauth_third_party_new(
    _ validator: UnsafeMutablePointer<OpaquePointer?>?, _ botID: Int64, _ environment: Int32
) -> Int32 {
    createHandle(validator) { () throws(TelegramAuthError) in
        guard let env = telegramEnvironment(environment) else { throw .invalidArgument("unknown environment") }
        return try ThirdPartyValidator(botID: botID, environment: env)
    }
}

@c @implementation public func tgauth_third_party_new_with_key(
    _ validator: UnsafeMutablePointer<OpaquePointer?>?, _ botID: Int64, _ publicKey: UnsafePointer<UInt8>?,
    _ publicKeyLen: Int
) -> Int32 {
    createHandle(validator) { () throws(TelegramAuthError) in
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
        ResultHandle.retain(try v.validate(bytes: try inputBytes(initData, initDataLen), options: options(check)))
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

// MARK: Results as one record

/// Runs one verification and writes its record into `out`; `*outLen` is the capacity in, the size out.
func verifyRecord<V: Sendable>(
    _ handle: OpaquePointer?, as: V.Type, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?,
    _ run: (V, UnsafeMutablePointer<UInt8>?, Int) throws(TelegramAuthError) -> Int
) -> Int32 {
    guard let handle, let outLen else { return invalid(err, "NULL verifier or length pointer") }
    do {
        let capacity = out == nil ? 0 : try capacity(outLen.pointee)
        let needed = try run(unboxed(handle, as: V.self), UnsafeMutableRawPointer(out)?.assumingMemoryBound(to: UInt8.self), capacity)
        outLen.pointee = needed
        guard needed <= capacity else {
            let code = TGAUTH_E_BUFFER_TOO_SMALL
            if let err {
                err.pointee.code = code
                err.pointee.field.0 = 0
                copyTruncated("the record needs \(needed) bytes", into: &err.pointee.message)
            }
            return code
        }
        return succeed(err)
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

// MARK: Init data results

@c @implementation public func tgauth_init_data_free(_ data: OpaquePointer?) {
    if let data { ResultHandle.release(data) }
}

@c @implementation public func tgauth_init_data_auth_date(_ data: OpaquePointer?) -> Int64 {
    data.map(ResultHandle.authDate) ?? 0
}

@c @implementation public func tgauth_init_data_can_send_after(_ data: OpaquePointer?, _ value: UnsafeMutablePointer<Int64>?) -> Int32 {
    guard let data, let value, let v = ResultHandle.canSendAfter(data) else { return 0 }
    value.pointee = v
    return 1
}

func topField(_ data: OpaquePointer?, _ field: ResultHandle.TopField, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    stringOut(data.flatMap { ResultHandle.string($0, field) }, len)
}

@c @implementation public func tgauth_init_data_query_id(_ data: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    topField(data, .queryID, len)
}

@c @implementation public func tgauth_init_data_chat_type(_ data: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    topField(data, .chatType, len)
}

@c @implementation public func tgauth_init_data_chat_instance(_ data: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    topField(data, .chatInstance, len)
}

@c @implementation public func tgauth_init_data_start_param(_ data: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    topField(data, .startParam, len)
}

@c @implementation public func tgauth_init_data_hash(_ data: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    topField(data, .hash, len)
}

@c @implementation public func tgauth_init_data_signature(_ data: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    topField(data, .signature, len)
}

@c @implementation public func tgauth_init_data_user(_ data: OpaquePointer?) -> OpaquePointer? {
    data.flatMap { ResultHandle.record($0, .user) }
}

@c @implementation public func tgauth_init_data_receiver(_ data: OpaquePointer?) -> OpaquePointer? {
    data.flatMap { ResultHandle.record($0, .receiver) }
}

@c @implementation public func tgauth_init_data_chat(_ data: OpaquePointer?) -> OpaquePointer? {
    data.flatMap { ResultHandle.record($0, .chat) }
}

@c @implementation public func tgauth_init_data_extra_count(_ data: OpaquePointer?) -> Int {
    data.map(ResultHandle.extraCount) ?? 0
}

func extra(_ data: OpaquePointer?, _ field: UnsafeMutablePointer<tgauth_field>?, _ index: Int, widget: Bool) -> Int32 {
    guard let data, let field, let pair = ResultHandle.extra(data, at: index, widget: widget) else {
        return TGAUTH_E_INVALID_ARGUMENT
    }
    field.pointee = tgauth_field(key: pair.key.0, key_len: pair.key.1, value: pair.value.0, value_len: pair.value.1)
    return TGAUTH_OK
}

@c @implementation public func tgauth_init_data_extra(
    _ data: OpaquePointer?, _ field: UnsafeMutablePointer<tgauth_field>?, _ index: Int
) -> Int32 {
    extra(data, field, index, widget: false)
}

// MARK: User and chat views

@c @implementation public func tgauth_user_id(_ user: OpaquePointer?) -> Int64 { user.map(RecordView.userID) ?? 0 }

func userString(_ user: OpaquePointer?, _ f: RecordView.UserString, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    stringOut(user.flatMap { RecordView.userString($0, f) }, len)
}

@c @implementation public func tgauth_user_first_name(_ user: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    userString(user, .firstName, len)
}

@c @implementation public func tgauth_user_last_name(_ user: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    userString(user, .lastName, len)
}

@c @implementation public func tgauth_user_username(_ user: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    userString(user, .username, len)
}

@c @implementation public func tgauth_user_language_code(_ user: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    userString(user, .languageCode, len)
}

@c @implementation public func tgauth_user_photo_url(_ user: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    userString(user, .photoURL, len)
}

func userFlag(_ user: OpaquePointer?, _ f: RecordView.UserFlag) -> Int32 {
    user.map { Int32(RecordView.userFlag($0, f)) } ?? -1
}

@c @implementation public func tgauth_user_is_bot(_ user: OpaquePointer?) -> Int32 { userFlag(user, .isBot) }
@c @implementation public func tgauth_user_is_premium(_ user: OpaquePointer?) -> Int32 { userFlag(user, .isPremium) }
@c @implementation public func tgauth_user_added_to_attachment_menu(_ user: OpaquePointer?) -> Int32 {
    userFlag(user, .addedToAttachmentMenu)
}
@c @implementation public func tgauth_user_allows_write_to_pm(_ user: OpaquePointer?) -> Int32 {
    userFlag(user, .allowsWriteToPM)
}

@c @implementation public func tgauth_chat_id(_ chat: OpaquePointer?) -> Int64 { chat.map(RecordView.chatID) ?? 0 }

func chatString(_ chat: OpaquePointer?, _ f: RecordView.ChatString, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    stringOut(chat.flatMap { RecordView.chatString($0, f) }, len)
}

@c @implementation public func tgauth_chat_type(_ chat: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    chatString(chat, .type, len)
}

@c @implementation public func tgauth_chat_title(_ chat: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    chatString(chat, .title, len)
}

@c @implementation public func tgauth_chat_username(_ chat: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    chatString(chat, .username, len)
}

@c @implementation public func tgauth_chat_photo_url(_ chat: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    chatString(chat, .photoURL, len)
}

// MARK: Login Widget

@c @implementation public func tgauth_widget_new(
    _ verifier: UnsafeMutablePointer<OpaquePointer?>?, _ botToken: UnsafePointer<CChar>?, _ botTokenLen: Int
) -> Int32 {
    createHandle(verifier) { () throws(TelegramAuthError) in
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
        ResultHandle.retain(try v.verify(bytes: try inputBytes(inputText, inputLen), options: options(check)))
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
        (try argumentText(fields[i].key, fields[i].key_len, "a key"), try argumentText(fields[i].value, fields[i].value_len, "a value"))
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
        return ResultHandle.retain(try v.verify(fields: list, options: o))
    }
}

@c @implementation public func tgauth_widget_data_free(_ data: OpaquePointer?) {
    if let data { ResultHandle.release(data) }
}

@c @implementation public func tgauth_widget_data_user(_ data: OpaquePointer?) -> OpaquePointer? {
    data.flatMap { ResultHandle.record($0, .user) }
}

@c @implementation public func tgauth_widget_data_auth_date(_ data: OpaquePointer?) -> Int64 {
    data.map(ResultHandle.authDate) ?? 0
}

@c @implementation public func tgauth_widget_data_extra_count(_ data: OpaquePointer?) -> Int {
    data.map(ResultHandle.extraCount) ?? 0
}

@c @implementation public func tgauth_widget_data_extra(
    _ data: OpaquePointer?, _ field: UnsafeMutablePointer<tgauth_field>?, _ index: Int
) -> Int32 {
    extra(data, field, index, widget: true)
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

func writeOutput(_ text: String, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>) -> Int32 {
    let bytes = Array(text.utf8)
    guard let capacity = try? capacity(outLen.pointee) else { return TGAUTH_E_INVALID_ARGUMENT }
    outLen.pointee = bytes.count
    guard let out, capacity > bytes.count else { return TGAUTH_E_BUFFER_TOO_SMALL }
    bytes.withUnsafeBytes { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    out[bytes.count] = 0
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
        return writeOutput(signed, out, outLen)
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
        return writeOutput(
            signed.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&"),
            out, outLen)
    } catch {
        return statusCode(error.kind)
    }
}

// MARK: Deep-link login

@c @implementation public func tgauth_deeplink_options_init(_ options: UnsafeMutablePointer<tgauth_deeplink_options>?) -> Int32 {
    guard let options else { return TGAUTH_E_INVALID_ARGUMENT }
    options.pointee = tgauth_deeplink_options(
        ttl: 300, interval: 2, confirm: 1, app_name: nil, app_name_len: 0, redis_url: nil, redis_url_len: 0,
        memory_capacity: 100_000)
    return TGAUTH_OK
}

@c @implementation public func tgauth_deeplink_new(
    _ flow: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ bot: UnsafePointer<CChar>?, _ botLen: Int, _ secret: UnsafePointer<CChar>?, _ secretLen: Int,
    _ options: UnsafePointer<tgauth_deeplink_options>?
) -> Int32 {
    guard let flow else { return invalid(err, "NULL flow pointer") }
    flow.pointee = nil
    var o = tgauth_deeplink_options()
    _ = tgauth_deeplink_options_init(&o)
    if let options { o = options.pointee }
    do {
        let botName = try argumentText(bot, botLen, "the bot username")
        let secretText = try argumentText(secret, secretLen, "the webhook secret")
        var c = DeepLinkLogin.Configuration(botUsername: botName)
        c.ttl = o.ttl
        c.interval = o.interval
        c.confirm = o.confirm != 0
        if o.app_name != nil {
            c.appName = try argumentText(o.app_name, o.app_name_len, "the app name")
        }
        let store: any DeepLinkStore
        if o.redis_url != nil {
            store = try RedisDeepLinkStore(url: try argumentText(o.redis_url, o.redis_url_len, "the Redis URL"))
        } else {
            // a size_t of 2^63 or more arrives negative
            guard o.memory_capacity > 0 else { return invalid(err, "memory_capacity must be 1 to 2^63 - 1") }
            store = InMemoryDeepLinkStore(capacity: o.memory_capacity)
        }
        flow.pointee = retained(try DeepLinkLogin(configuration: c, webhookSecret: secretText, store: store))
        return succeed(err)
    } catch {
        return report(err, error)
    }
}

@c @implementation public func tgauth_deeplink_free(_ flow: OpaquePointer?) {
    release(flow, as: DeepLinkLogin.self)
}

/// Runs a deep-link call and writes its strings as a record; the buffer is checked before the call.
func deepLinkRecord(
    _ flow: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ run: (DeepLinkLogin) throws(TelegramAuthError) -> [String]
) -> Int32 {
    guard let flow, let out, let outLen else { return invalid(err, "NULL flow, buffer or length pointer") }
    do {
        guard try capacity(outLen.pointee) >= Int(TGAUTH_DEEPLINK_RECORD_SIZE) else {
            return invalid(err, "the buffer must hold TGAUTH_DEEPLINK_RECORD_SIZE bytes")
        }
        let strings = try run(unboxed(flow, as: DeepLinkLogin.self))
        var bytes: [UInt8] = []
        for s in strings {
            bytes.append(contentsOf: s.utf8.map { $0 == 0 ? 0x20 : $0 })
            bytes.append(0)
        }
        guard bytes.count <= outLen.pointee else {
            return report(err, TelegramAuthError(.invalidArgument, "the result does not fit TGAUTH_DEEPLINK_RECORD_SIZE"))
        }
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        outLen.pointee = bytes.count
        return succeed(err)
    } catch {
        return report(err, error)
    }
}

func pollRecord(_ p: DeepLinkPoll) -> [String] { [p.status.rawValue, String(p.interval), p.user?.jsonString ?? ""] }

@c @implementation public func tgauth_deeplink_start(
    _ flow: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ device: UnsafePointer<CChar>?, _ deviceLen: Int
) -> Int32 {
    deepLinkRecord(flow, out, outLen, err) { (f) throws(TelegramAuthError) -> [String] in
        let s = try f.start(device: String(decoding: try inputBytes(device, deviceLen), as: UTF8.self))
        return [s.loginToken, s.pollSecret, s.tgLink, s.httpsLink, String(s.expiresAt), String(s.interval)]
    }
}

@c @implementation public func tgauth_deeplink_handle_webhook(
    _ flow: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ body: UnsafePointer<CChar>?, _ bodyLen: Int,
    _ header: UnsafePointer<CChar>?, _ headerLen: Int
) -> Int32 {
    deepLinkRecord(flow, out, outLen, err) { (f) throws(TelegramAuthError) -> [String] in
        let b = try inputBytes(body, bodyLen)
        let h = header == nil ? nil : try argumentText(header, headerLen, "the secret header")
        let r = try f.handleWebhook(body: b, secretHeader: h)
        return [r.outcome.rawValue, r.reason ?? "", r.responseBody ?? "", r.user?.jsonString ?? ""] + r.additionalCalls
    }
}

@c @implementation public func tgauth_deeplink_poll(
    _ flow: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ secret: UnsafePointer<CChar>?, _ secretLen: Int
) -> Int32 {
    deepLinkRecord(flow, out, outLen, err) { (f) throws(TelegramAuthError) -> [String] in
        pollRecord(try f.poll(pollSecret: try argumentText(secret, secretLen, "the poll secret")))
    }
}

@c @implementation public func tgauth_deeplink_wait(
    _ flow: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?, _ secret: UnsafePointer<CChar>?, _ secretLen: Int, _ timeout: Double
) -> Int32 {
    deepLinkRecord(flow, out, outLen, err) { (f) throws(TelegramAuthError) -> [String] in
        pollRecord(try f.wait(pollSecret: try argumentText(secret, secretLen, "the poll secret"), timeout: timeout))
    }
}
