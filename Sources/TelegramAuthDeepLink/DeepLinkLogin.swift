import COpenSSL
import TelegramAuth

/// Bot deep-link login: the app opens `tg://resolve?domain=BOT&start=TOKEN`, the user taps Start, the
/// bot's webhook receives `/start TOKEN`, and the app, polling or waiting with its poll secret, receives
/// the user. Modelled on the OAuth 2.0 device flow (RFC 8628).
///
/// One instance per bot serves any number of threads. With a shared store (``RedisDeepLinkStore``) any
/// number of processes can run it: start on one, take the webhook on another, poll on a third.
public final class DeepLinkLogin: Sendable {
    /// How a login behaves.
    public struct Configuration: Sendable {
        /// The bot's username, without `@`.
        public var botUsername: String
        /// Seconds a login may wait for approval (default 300).
        public var ttl: Int64 = 300
        /// Seconds between polls (default 2); faster polls get `slow_down`.
        public var interval: Int64 = 2
        /// Ask the user to confirm with inline buttons before approving (default on: it defeats login
        /// phishing, where someone sends a victim their own login link).
        public var confirm: Bool = true
        /// The app's name in the bot's messages.
        public var appName: String = "the app"
        /// Unix time in milliseconds (for tests); the system clock by default.
        public var clock: @Sendable () -> Int64 = SystemClock.milliseconds

        public init(botUsername: String) { self.botUsername = botUsername }
    }

    public let configuration: Configuration
    let store: any DeepLinkStore
    /// The webhook's secret token, checked in constant time (the core's one check, `WebhookSecretToken`).
    let secret: WebhookSecretToken
    let keyPrefix: String
    /// Results stay readable (as `expired` or `denied`) this long after the login's expiry.
    static let grace: Int64 = 600

    /// - Parameters:
    ///   - configuration: the bot and the login's behaviour.
    ///   - webhookSecret: the `secret_token` given to `setWebhook` (1-256 characters of `A-Za-z0-9_-`).
    ///   - store: where logins live; in this process by default.
    /// - Throws: `invalid_argument` for a bad bot username, webhook secret, ttl or interval.
    public init(
        configuration: Configuration, webhookSecret: String, store: any DeepLinkStore = InMemoryDeepLinkStore()
    ) throws(TelegramAuthError) {
        let name = configuration.botUsername.hasPrefix("@") ? String(configuration.botUsername.dropFirst()) : configuration.botUsername
        guard (1...64).contains(name.utf8.count), name.utf8.allSatisfy(Self.isUsernameByte) else {
            throw .invalidArgument("the bot username must be 1-64 characters of A-Za-z0-9_")
        }
        let secret = try WebhookSecretToken(webhookSecret)
        guard configuration.ttl > 0, configuration.ttl <= 86_400 else { throw .invalidArgument("ttl must be 1-86400 seconds") }
        guard configuration.interval >= 0, configuration.interval <= 3600 else {
            throw .invalidArgument("interval must be 0-3600 seconds")
        }
        var c = configuration
        c.botUsername = name
        self.configuration = c
        self.store = store
        self.secret = secret
        keyPrefix = "tgauth:dl:" + name.lowercased() + ":"
    }

    static func isUsernameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_")
    }

    static func isTokenByte(_ b: UInt8) -> Bool { Bytes.isBase64URL(b) }

    func key(_ kind: String, _ secret: String) -> String { keyPrefix + kind + Hex.encode(SHA256Digest.hash(secret.utf8)) }

    static func randomToken(bytes n: Int) -> String {
        var raw = [UInt8](repeating: 0, count: n)
        let ok = raw.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(n)) } == 1
        precondition(ok, "the system random generator failed")
        return Base64URL.encode(raw)
    }

    // MARK: Start

    /// The longest device description `start` takes, in bytes (before it is cut to ``maxDeviceCharacters``).
    public static let maxDeviceBytes = 1024

    /// Starts a login for the app.
    /// - Parameter device: what the confirmation names ("Chrome on Linux", "iPhone"): any text of at most
    ///   ``maxDeviceBytes`` bytes, kept as one line of at most ``maxDeviceCharacters`` printable characters.
    /// - Throws: `too_large` for a longer description; store errors.
    public func start(device rawDevice: String) throws(TelegramAuthError) -> DeepLinkStart {
        guard rawDevice.utf8.count <= Self.maxDeviceBytes else {
            throw TelegramAuthError(.tooLarge, "the device description is \(rawDevice.utf8.count) bytes; the limit is \(Self.maxDeviceBytes)")
        }
        let device = Self.sanitizedDevice(rawDevice)
        let token = Self.randomToken(bytes: 16)
        let secret = Self.randomToken(bytes: 32)
        let now = configuration.clock()
        let expires = now + configuration.ttl * 1000
        let record = Record(state: .pending, expires: expires, device: device, user: nil, chatID: nil, lastPoll: nil)
        try store.create(
            tokenKey: key("t:", token), pollKey: key("p:", secret), record: record.encoded, ttl: configuration.ttl,
            keep: Self.grace)
        let bot = configuration.botUsername
        return DeepLinkStart(
            loginToken: token, pollSecret: secret, tgLink: "tg://resolve?domain=\(bot)&start=\(token)",
            httpsLink: "https://t.me/\(bot)?start=\(token)", expiresAt: expires / 1000, interval: configuration.interval)
    }

    // MARK: Poll and wait

    /// The login's state; an approval is handed out exactly once, then the login is consumed.
    public func poll(pollSecret: String) throws(TelegramAuthError) -> DeepLinkPoll {
        try collect(pollKey: key("p:", pollSecret), rateLimited: true)
    }

    /// Blocks until the login leaves `pending` or `timeout` seconds pass (then it reports `pending`).
    /// For long-polling and WebSocket pushes; not subject to the poll interval.
    public func wait(pollSecret: String, timeout: Double) throws(TelegramAuthError) -> DeepLinkPoll {
        guard timeout >= 0, timeout <= 3600 else { throw .invalidArgument("the timeout must be 0-3600 seconds") }
        let pollKey = key("p:", pollSecret)
        let notifyKey = notifyKey(pollKey)
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        while true {
            let state = try collect(pollKey: pollKey, rateLimited: false)
            guard state.status == .pending else { return state }
            var t = timespec()
            clock_gettime(CLOCK_MONOTONIC, &t)
            let elapsed = Double(t.tv_sec - start.tv_sec) + Double(t.tv_nsec - start.tv_nsec) / 1e9
            let remaining = timeout - elapsed
            if remaining <= 0 { return state }
            // wake at the latest at expiry, so an expired login is reported promptly
            _ = try store.wait(notifyKey, timeout: min(remaining, 5))
        }
    }

    func collect(pollKey: String, rateLimited: Bool) throws(TelegramAuthError) -> DeepLinkPoll {
        let now = configuration.clock()
        let interval = configuration.interval
        return try store.update(pollKey) { current -> (String?, DeepLinkPoll) in
            guard let current, var record = Record(decoding: current) else {
                return (nil, DeepLinkPoll(status: .unknown, user: nil, interval: interval))
            }
            switch record.state {
            case .consumed:
                return (nil, DeepLinkPoll(status: .unknown, user: nil, interval: interval))
            case .denied:
                return (nil, DeepLinkPoll(status: .denied, user: nil, interval: interval))
            case .approved:
                record.state = .consumed
                return (record.encoded, DeepLinkPoll(status: .approved, user: record.user, interval: interval))
            case .pending, .confirming:
                if now >= record.expires { return (nil, DeepLinkPoll(status: .expired, user: nil, interval: interval)) }
                guard rateLimited else { return (nil, DeepLinkPoll(status: .pending, user: nil, interval: interval)) }
                let tooSoon = record.lastPoll.map { now - $0 < interval * 1000 } ?? false
                record.lastPoll = now
                return (record.encoded, DeepLinkPoll(status: tooSoon ? .slowDown : .pending, user: nil, interval: interval))
            }
        }
    }

    // MARK: Webhook

    /// The largest update body accepted.
    public static let maxUpdateBytes = 1 << 20

    /// Handles one webhook request from Telegram.
    /// - Parameters:
    ///   - body: the raw Update JSON.
    ///   - secretHeader: the `X-Telegram-Bot-Api-Secret-Token` header value, or nil when absent.
    /// - Returns: the outcome, and the reply to send as the HTTP response body.
    /// - Throws: `bad_webhook_secret` (no state changes), `malformed` for a body that is not JSON, `too_large`.
    public func handleWebhook(body: some Collection<UInt8>, secretHeader: String?) throws(TelegramAuthError) -> DeepLinkWebhookResult {
        try secret.check(header: secretHeader)
        guard body.count <= Self.maxUpdateBytes else {
            throw TelegramAuthError(.tooLarge, "the update is \(body.count) bytes; the limit is \(Self.maxUpdateBytes)")
        }
        let update = try JSONValue.parse(body)
        guard case .object = update else { throw .malformed("an update is a JSON object") }
        if let message = update["message"] { return try handleMessage(message) }
        if let query = update["callback_query"] { return try handleCallback(query) }
        return ignored("not_a_login", user: nil)
    }

    func ignored(_ reason: String, user: TelegramUser?, reply: String? = nil) -> DeepLinkWebhookResult {
        DeepLinkWebhookResult(outcome: .ignored, reason: reason, responseBody: reply, additionalCalls: [], user: user)
    }

    /// `/start TOKEN` or `/start@bot TOKEN`: the token, or nil for any other text. `otherBot` is set when
    /// the command names a different bot.
    func startToken(_ text: String) -> (token: String?, otherBot: Bool)? {
        var bytes = Array(text.utf8)[...]
        guard bytes.starts(with: Array("/start".utf8)) else { return nil }
        bytes = bytes.dropFirst(6)
        var otherBot = false
        if bytes.first == UInt8(ascii: "@") {
            let name = bytes.dropFirst().prefix { $0 != UInt8(ascii: " ") }
            otherBot = String(decoding: name, as: UTF8.self).lowercased() != configuration.botUsername.lowercased()
            bytes = bytes.dropFirst(1 + name.count)
        }
        guard let first = bytes.first else { return (nil, otherBot) }
        guard first == UInt8(ascii: " ") else { return nil }  // "/startle" is another command
        let payload = bytes.drop { $0 == UInt8(ascii: " ") }
        guard (1...64).contains(payload.count), payload.allSatisfy(Self.isTokenByte) else { return (nil, otherBot) }
        return (String(decoding: payload, as: UTF8.self), otherBot)
    }

    static func call(_ method: String, _ members: [(String, JSONValue)]) -> String {
        JSONValue.serialize(.object([("method", .string(method))] + members))
    }

    func sendMessage(_ chat: JSONValue, _ text: String, buttons: [(String, String)]? = nil) -> String {
        var members: [(String, JSONValue)] = [("chat_id", chat), ("text", .string(text))]
        if let buttons {
            let row = JSONValue.array(buttons.map { .object([("text", .string($0.0)), ("callback_data", .string($0.1))]) })
            members.append(("reply_markup", .object([("inline_keyboard", .array([row]))])))
        }
        return Self.call("sendMessage", members)
    }

    func handleMessage(_ message: JSONValue) throws(TelegramAuthError) -> DeepLinkWebhookResult {
        let user = message["from"].flatMap(TelegramUser.init(json:))
        guard let text = message["text"]?.stringValue, let (token, otherBot) = startToken(text) else {
            return ignored("not_a_login", user: user)
        }
        if otherBot { return ignored("other_bot", user: user) }
        guard let chat = message["chat"], let chatID = chat["id"], case .number = chatID else {
            return ignored("not_a_login", user: user)
        }
        guard let token else { return ignored("not_a_login", user: user) }
        let app = configuration.appName
        guard chat["type"]?.stringValue == "private" else {
            // everyone in that chat has seen the token now, and any of them could confirm it: cancel the login
            let cancelled = try cancel(token: token)
            let text = cancelled
                ? "This login link was posted in a group, so it has been cancelled for your safety. Start the login again in \(app), and open the link in a private chat with @\(configuration.botUsername)."
                : "For your safety, log in to \(app) from a private chat with @\(configuration.botUsername), not from a group."
            return DeepLinkWebhookResult(
                outcome: .refused, reason: "group_chat", responseBody: sendMessage(chatID, text), additionalCalls: [], user: user)
        }
        guard let user, user.isBot != true else { return ignored("not_a_login", user: user) }
        let expiredReply = sendMessage(chatID, "This login link has expired or was already used. Start the login again in \(app).")
        guard let pollKey = try store.pollKey(forToken: key("t:", token)) else {
            return ignored("unknown_or_expired", user: user, reply: expiredReply)
        }
        let now = configuration.clock()
        let confirm = configuration.confirm
        let result: (DeepLinkOutcome, String?, Record?) = try store.update(pollKey) { current in
            guard let current, var record = Record(decoding: current) else { return (nil, (.ignored, "unknown_or_expired", nil)) }
            if now >= record.expires { return (nil, (.ignored, "unknown_or_expired", nil)) }
            switch record.state {
            case .pending:
                record.user = user
                record.chatID = chatID.int64Value
                record.state = confirm ? .confirming : .approved
                return (record.encoded, (confirm ? .confirmationRequested : .approved, nil, record))
            case .confirming where record.user?.id == user.id:
                return (nil, (.confirmationRequested, nil, record))  // /start again: ask again
            default:
                return (nil, (.ignored, "already_used", nil))
            }
        }
        switch result {
        case (.approved, _, let record?):
            try store.notify(notifyKey(pollKey))
            return DeepLinkWebhookResult(
                outcome: .approved, reason: nil,
                responseBody: sendMessage(chatID, "You are logged in to \(app).\n\(Self.deviceLine(record.device))\n\nYou can return to the app."),
                additionalCalls: [], user: user)
        case (.confirmationRequested, _, let record?):
            return DeepLinkWebhookResult(
                outcome: .confirmationRequested, reason: nil,
                responseBody: sendMessage(
                    chatID,
                    "Log in to \(app)?\n\(Self.deviceLine(record.device))\n\nConfirm only if you started this login yourself on that device. If someone sent you this link, tap Cancel.",
                    buttons: [("Confirm", "tgauth:ok:" + token), ("Cancel", "tgauth:no:" + token)]),
                additionalCalls: [], user: user)
        case (_, "already_used", _):
            return ignored("already_used", user: user, reply: sendMessage(chatID, "This login link was already used. Start the login again in \(app)."))
        default:
            return ignored("unknown_or_expired", user: user, reply: expiredReply)
        }
    }

    /// Denies a login that is still waiting (pending, or asking for confirmation) and wakes its `wait`.
    /// - Returns: whether a login was cancelled.
    func cancel(token: String) throws(TelegramAuthError) -> Bool {
        guard let pollKey = try store.pollKey(forToken: key("t:", token)) else { return false }
        let now = configuration.clock()
        let cancelled: Bool = try store.update(pollKey) { current in
            guard let current, var record = Record(decoding: current), now < record.expires,
                record.state == .pending || record.state == .confirming
            else { return (nil, false) }
            record.state = .denied
            return (record.encoded, true)
        }
        if cancelled { try store.notify(notifyKey(pollKey)) }
        return cancelled
    }

    /// The most characters of a device description kept; longer ones are cut, with an ellipsis.
    public static let maxDeviceCharacters = 64

    /// `device` as one line of printable text: every control, format or line-breaking character becomes a
    /// space, runs of spaces become one, and the result is cut to ``maxDeviceCharacters`` characters.
    /// Whoever calls `start` chooses this text, so it must not be able to pass for the bot's own words.
    static func sanitizedDevice(_ device: String) -> String {
        var out = ""
        var lastWasSpace = true
        for scalar in device.unicodeScalars {
            let p = scalar.properties
            let blank = p.generalCategory == .control || p.generalCategory == .format
                || p.generalCategory == .lineSeparator || p.generalCategory == .paragraphSeparator
                || p.generalCategory == .spaceSeparator || p.generalCategory == .surrogate
                || p.generalCategory == .privateUse || p.generalCategory == .unassigned
            if blank {
                if !lastWasSpace { out.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        if out.last == " " { out.removeLast() }
        if out.count > maxDeviceCharacters { out = String(out.prefix(maxDeviceCharacters - 1)) + "…" }
        return out
    }

    /// The device on a line of its own, quoted, so it reads as a quotation and not as the bot speaking.
    static func deviceLine(_ device: String) -> String { device.isEmpty ? "Device: not named" : "Device: “\(device)”" }

    /// The notification key of a login, derived from its poll key (already a hash), so the webhook can
    /// wake the app's `wait` without knowing the poll secret.
    func notifyKey(_ pollKey: String) -> String { keyPrefix + "n:" + pollKey.dropFirst(keyPrefix.count + 2) }

    func handleCallback(_ query: JSONValue) throws(TelegramAuthError) -> DeepLinkWebhookResult {
        let user = query["from"].flatMap(TelegramUser.init(json:))
        guard let data = query["data"]?.stringValue, data.hasPrefix("tgauth:"), let queryID = query["id"]?.stringValue,
            let user
        else { return ignored("not_a_login", user: user) }
        let approve: Bool
        if data.hasPrefix("tgauth:ok:") { approve = true } else if data.hasPrefix("tgauth:no:") { approve = false } else {
            return ignored("not_a_login", user: user)
        }
        let token = String(data.dropFirst(10))
        func answer(_ text: String) -> String {
            Self.call("answerCallbackQuery", [("callback_query_id", .string(queryID)), ("text", .string(text))])
        }
        let app = configuration.appName
        guard let pollKey = try store.pollKey(forToken: key("t:", token)) else {
            return ignored("unknown_or_expired", user: user, reply: answer("This login has expired. Start it again in \(app)."))
        }
        let now = configuration.clock()
        let result: (DeepLinkOutcome, String?, Record?) = try store.update(pollKey) { current in
            guard let current, var record = Record(decoding: current), now < record.expires else {
                return (nil, (.ignored, "unknown_or_expired", nil))
            }
            guard record.state == .confirming else { return (nil, (.ignored, "already_used", nil)) }
            guard record.user?.id == user.id else { return (nil, (.refused, "other_user", nil)) }
            record.state = approve ? .approved : .denied
            return (record.encoded, (approve ? .approved : .denied, nil, record))
        }
        switch result {
        case (.approved, _, let record?), (.denied, _, let record?):
            try store.notify(notifyKey(pollKey))
            let approved = result.0 == .approved
            var edits: [String] = []
            if let message = query["message"], let chat = message["chat"]?["id"], let messageID = message["message_id"] {
                let text = approved
                    ? "You are logged in to \(app).\n\(Self.deviceLine(record.device))\n\nYou can return to the app."
                    : "Login to \(app) cancelled."
                edits.append(Self.call("editMessageText", [("chat_id", chat), ("message_id", messageID), ("text", .string(text))]))
            }
            let ack = answer(approved ? "Logged in" : "Cancelled")
            return DeepLinkWebhookResult(
                outcome: result.0, reason: nil, responseBody: edits.first ?? ack,
                additionalCalls: edits.isEmpty ? [] : [ack], user: user)
        case (.refused, _, _):
            return DeepLinkWebhookResult(
                outcome: .refused, reason: "other_user", responseBody: answer("This confirmation is not for you."),
                additionalCalls: [], user: user)
        case (_, "already_used", _):
            return ignored("already_used", user: user, reply: answer("This login was already answered."))
        default:
            return ignored("unknown_or_expired", user: user, reply: answer("This login has expired. Start it again in \(app)."))
        }
    }
}

/// A login as the store keeps it (compact JSON).
struct Record {
    enum State: String { case pending, confirming, approved, denied, consumed }
    var state: State
    var expires: Int64  // Unix ms
    var device: String
    var user: TelegramUser?
    var chatID: Int64?
    var lastPoll: Int64?

    var encoded: String {
        var members: [(String, JSONValue)] = [
            ("s", .string(state.rawValue)), ("exp", .number(String(expires))), ("dev", .string(device)),
        ]
        if let user { members.append(("u", user.json)) }
        if let chatID { members.append(("chat", .number(String(chatID)))) }
        if let lastPoll { members.append(("lp", .number(String(lastPoll)))) }
        return JSONValue.serialize(.object(members))
    }

    init(state: State, expires: Int64, device: String, user: TelegramUser?, chatID: Int64?, lastPoll: Int64?) {
        self.state = state
        self.expires = expires
        self.device = device
        self.user = user
        self.chatID = chatID
        self.lastPoll = lastPoll
    }

    init?(decoding text: String) {
        guard let v = try? JSONValue.parse(text), let s = v["s"]?.stringValue, let state = State(rawValue: s),
            let expires = v["exp"]?.int64Value, let device = v["dev"]?.stringValue
        else { return nil }
        self.init(
            state: state, expires: expires, device: device, user: v["u"].flatMap(TelegramUser.init(json:)),
            chatID: v["chat"]?.int64Value, lastPoll: v["lp"]?.int64Value)
    }
}
