import CTGAuth
import TelegramAuth

// The C ABI of include/tgauth*.h, one file per kind (MiniAppExports.swift: its constructor, verification,
// record form, secret and signer, whichever header declares them; ThirdParty, Widget, GatewayReport,
// WebhookSecret, OIDC, DeepLink likewise) and CommonExports.swift for what they share. Each function is declared
// `@c @implementation`, so the compiler checks its Swift signature against the header. Every check runs in
// the Swift modules; these files only convert arguments, results and errors, with the helpers below.

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

/// The C code of a kind: its place in `TelegramAuthError.Kind`, the one table (the suites hold the header's
/// `TGAUTH_E_*` values to it).
func statusCode(_ kind: TelegramAuthError.Kind) -> Int32 { kind.code }

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
// every length is checked here against its kind's limit, before anything reads or copies the memory it
// describes (a copy of a huge length would abort the process).

/// The longest key, token, secret, name, nonce, URL or path accepted (tgauth.h: TGAUTH_MAX_ARGUMENT_BYTES).
let maxArgumentBytes = Int(TGAUTH_MAX_ARGUMENT_BYTES)

/// Caller data (initData, widget input, a webhook body, a device name, an id_token, a key set) as (pointer,
/// length), at most `limit` bytes (the verifiers apply their own limit to what this lets through).
/// - Throws: `too_large` for a length over `limit` or no buffer can have; `invalid_argument` for NULL with a
///   non-zero length.
func inputBytes(_ p: UnsafeRawPointer?, _ n: Int, limit: Int = .max) throws(TelegramAuthError) -> UnsafeBufferPointer<UInt8> {
    guard n >= 0, n <= limit else {
        throw TelegramAuthError(.tooLarge, "the input is \(UInt(bitPattern: n)) bytes; the limit is \(limit)")
    }
    return try buffer(p, n)
}

/// A key, token, secret, name or path given as (pointer, length), at most `limit` bytes.
/// - Throws: `invalid_argument` for a longer one (or one of 2^63 bytes or more), or NULL with a non-zero length.
func argument(
    _ p: UnsafeRawPointer?, _ n: Int, _ name: String, limit: Int = maxArgumentBytes
) throws(TelegramAuthError) -> UnsafeBufferPointer<UInt8> {
    guard n >= 0, n <= limit else { throw .invalidArgument("\(name) is \(UInt(bitPattern: n)) bytes; the limit is \(limit)") }
    return try buffer(p, n)
}

/// `argument` decoded as UTF-8 (invalid sequences become U+FFFD, which every check then refuses).
func argumentText(
    _ p: UnsafeRawPointer?, _ n: Int, _ name: String, limit: Int = maxArgumentBytes
) throws(TelegramAuthError) -> String {
    String(decoding: try argument(p, n, name, limit: limit), as: UTF8.self)
}

/// An optional argument: nil for (NULL, 0); NULL with a length is `invalid_argument`, as for any argument.
func optionalText(_ p: UnsafeRawPointer?, _ n: Int, _ name: String) throws(TelegramAuthError) -> String? {
    p == nil && n == 0 ? nil : try argumentText(p, n, name)
}

private func buffer(_ p: UnsafeRawPointer?, _ n: Int) throws(TelegramAuthError) -> UnsafeBufferPointer<UInt8> {
    guard let p else {
        guard n == 0 else { throw .invalidArgument("NULL pointer with a non-zero length") }
        return UnsafeBufferPointer(start: nil, count: 0)
    }
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: n)
}

/// The capacity of a caller's output buffer (`out`, with `*out_len` on entry).
/// - Throws: `invalid_argument` for a capacity of 2^63 or more, which no buffer can have, and for a NULL `out`
///   with a capacity above 0 (NULL goes with 0, to learn the size).
func capacity(_ out: UnsafeMutableRawPointer?, _ n: Int) throws(TelegramAuthError) -> Int {
    guard n >= 0 else { throw .invalidArgument("the output capacity is larger than any buffer") }
    guard out != nil || n == 0 else { throw .invalidArgument("NULL output buffer with a capacity of \(n) bytes") }
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

/// Stores a new handle made by `make` in `out`; NULL `out` or a thrown error gives its status.
func createHandle<V: Sendable>(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ err: UnsafeMutablePointer<tgauth_error>?,
    _ make: () throws(TelegramAuthError) -> V
) -> Int32 {
    guard let out else { return invalid(err, "NULL output pointer") }
    out.pointee = nil
    do {
        out.pointee = retained(try make())
        return succeed(err)
    } catch {
        return report(err, error)
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

// MARK: The one output-buffer rule

/// Writes `bytes` (the output, its final NUL included) into the caller's buffer under the rule: every function
/// that hands back a string or a record ends here, or in `finishOutput` when it wrote in place (records).
/// - Parameters:
///   - out, outLen: the caller's buffer and, on entry, its capacity (checked by `capacity`).
func writeOutput(
    _ bytes: [UInt8], _ out: UnsafeMutablePointer<CChar>?, _ outLen: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<tgauth_error>?
) -> Int32 {
    guard let outLen else { return invalid(err, "NULL length pointer") }
    let room: Int
    do { room = try capacity(out, outLen.pointee) } catch { return report(err, error) }
    if bytes.count <= room, let out {
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }
    return finishOutput(needed: bytes.count, capacity: room, outLen, err)
}

/// Strings as a record (tgauth.h): each NUL-terminated; a NUL inside one becomes a space.
func record(_ strings: [String]) -> [UInt8] {
    var bytes: [UInt8] = []
    for s in strings {
        bytes.append(contentsOf: s.utf8.map { $0 == 0 ? 0x20 : $0 })
        bytes.append(0)
    }
    return bytes
}

/// Ends every function that writes into a caller's buffer (tgauth.h, "Output buffers"): `*out_len` becomes
/// `needed`, the output's size including its final NUL, and a `needed` above `capacity` is
/// `TGAUTH_E_BUFFER_TOO_SMALL`, with a message naming the size.
func finishOutput(
    needed: Int, capacity: Int, _ outLen: UnsafeMutablePointer<Int>, _ err: UnsafeMutablePointer<tgauth_error>?
) -> Int32 {
    outLen.pointee = needed
    guard needed <= capacity else {
        return report(err, TelegramAuthError(.bufferTooSmall, "the output needs \(needed) bytes; the buffer holds \(capacity)"))
    }
    return succeed(err)
}

