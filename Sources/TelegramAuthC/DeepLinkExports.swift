import CTGAuth
import TelegramAuth
import TelegramAuthDeepLink

// tgauth_deeplink.h: the bot deep-link login.

// MARK: Deep-link login

@c @implementation public func tgauth_deeplink_options_init(_ options: UnsafeMutablePointer<tgauth_deeplink_options>?) -> Int32 {
    guard let options else { return TGAUTH_E_INVALID_ARGUMENT }
    let defaults = DeepLinkLogin.Configuration(botUsername: "")  // the one place the defaults are written
    options.pointee = tgauth_deeplink_options(
        ttl: defaults.ttl, interval: defaults.interval, confirm: defaults.confirm ? 1 : 0, app_name: nil, app_name_len: 0,
        redis_url: nil, redis_url_len: 0, memory_capacity: InMemoryDeepLinkStore.defaultCapacity)
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
        if let appName = try optionalText(o.app_name, o.app_name_len, "the app name") { c.appName = appName }
        let store: any DeepLinkStore
        if let url = try optionalText(o.redis_url, o.redis_url_len, "the Redis URL") {
            store = try RedisDeepLinkStore(url: url)
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
    guard let flow, let outLen else { return invalid(err, "NULL flow or length pointer") }
    do {
        // checked before anything changes: a short buffer must never cost a one-time result
        let room = try capacity(out, outLen.pointee)
        guard let out, room >= Int(TGAUTH_DEEPLINK_RECORD_SIZE) else {
            return finishOutput(needed: Int(TGAUTH_DEEPLINK_RECORD_SIZE), capacity: room, outLen, err)
        }
        let bytes = record(try run(unboxed(flow, as: DeepLinkLogin.self)))
        guard bytes.count <= room else {  // a result is handed out once: it must never meet a short buffer
            return report(err, TelegramAuthError(.invalidArgument, "the result does not fit TGAUTH_DEEPLINK_RECORD_SIZE"))
        }
        return writeOutput(bytes, out, outLen, err)
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
        let s = try f.start(device: String(decoding: try inputBytes(device, deviceLen, limit: DeepLinkLogin.maxDeviceBytes), as: UTF8.self))
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
        let h = try optionalText(header, headerLen, "the secret header")
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
