import CTGAuth
import TelegramAuth

// The C ABI of include/tgauth*.h, one file per header: VerifyExports.swift (tgauth_verify.h),
// RecordExports.swift (tgauth_record.h), DeepLinkExports.swift (tgauth_deeplink.h). Each function is declared
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

