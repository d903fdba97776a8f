/// What `start` hands the app.
public struct DeepLinkStart: Sendable, Hashable {
    /// The one-time token in the link: 128 random bits, base64url (22 characters of `A-Za-z0-9_-`).
    public let loginToken: String
    /// The app's secret for `poll` and `wait`: 256 random bits, independent of the token, never in a link.
    public let pollSecret: String
    /// `tg://resolve?domain=<bot>&start=<token>`: opens the bot in the Telegram app.
    public let tgLink: String
    /// `https://t.me/<bot>?start=<token>`: the same through the web.
    public let httpsLink: String
    /// Unix time (seconds) after which the login can no longer be approved.
    public let expiresAt: Int64
    /// Seconds the app waits between polls.
    public let interval: Int64
}

/// The state `poll` and `wait` report (RFC 8628's device-flow states, adapted).
public enum DeepLinkStatus: String, Sendable, CaseIterable {
    /// Not approved yet (the user has not tapped Start, or not confirmed).
    case pending
    /// Polled faster than the interval; wait longer.
    case slowDown = "slow_down"
    /// Approved: the user is returned once, then the login is consumed.
    case approved
    /// The user cancelled.
    case denied
    /// The login passed its expiry before it was approved.
    case expired
    /// No such login, or it was already handed out.
    case unknown
}

public struct DeepLinkPoll: Sendable, Hashable {
    public let status: DeepLinkStatus
    /// The logged-in user, with `approved` only.
    public let user: TelegramUser?
    /// The poll interval in seconds.
    public let interval: Int64
}

/// What a webhook update did.
public enum DeepLinkOutcome: String, Sendable, CaseIterable {
    /// The login is approved (confirmation off, or the user confirmed).
    case approved
    /// The bot asked the user to confirm; the login waits for the callback.
    case confirmationRequested = "confirmation_requested"
    /// The user cancelled.
    case denied
    /// Not a login, or a login link that is unknown, expired or already used (the reply says so).
    case ignored
    /// A login attempt that is not allowed: from a group chat, or a confirmation by another user.
    case refused
}

public struct DeepLinkWebhookResult: Sendable, Hashable {
    public let outcome: DeepLinkOutcome
    /// Why an update was ignored or refused (`not_a_login`, `unknown_or_expired`, `already_used`,
    /// `group_chat`, `other_user`, `other_bot`); nil otherwise.
    public let reason: String?
    /// The Bot API method call to send back as the webhook's HTTP response body (with
    /// `Content-Type: application/json`), or nil for an empty 200 response.
    public let responseBody: String?
    /// Further Bot API calls the host should make itself (such as answering a callback query), each
    /// a JSON object with a `method` member.
    public let additionalCalls: [String]
    /// The Telegram user behind the update, when there is one.
    public let user: TelegramUser?
}
