import TelegramAuth

/// Where sessions live, and what the session cookie holds.
public protocol SessionStore: Sendable {
    /// Keeps `session` and returns the cookie value that carries it. A store that keeps sessions keeps at most
    /// its per-user limit for one Telegram user, ending that user's oldest first.
    func save(_ session: Session) throws(TelegramAuthError) -> String
    /// The session a cookie value carries, when it is still valid at `now`; nil for any other cookie.
    /// - Throws: `store_unavailable` when the store cannot be read (the caller must then refuse: fail closed).
    func load(_ cookie: some Collection<UInt8>, now: Int64) throws(TelegramAuthError) -> Session?
    /// Ends the session everywhere (a store that keeps sessions); the cookie alone can only be cleared.
    /// - Throws: `store_unavailable` when the session could not be ended (the caller must then say so).
    func revoke(_ cookie: some Collection<UInt8>) throws(TelegramAuthError)
    /// Marks `id` (a login flow's state) as used until `expiresAt`: true the first time, false after. A login
    /// flow is redeemed once, whatever the provider answers.
    /// - Throws: `store_unavailable`.
    func spend(_ id: String, expiresAt: Int64) throws(TelegramAuthError) -> Bool
    /// Whether the store can be read now (a gateway's readiness).
    /// - Throws: `store_unavailable`.
    func ping() throws(TelegramAuthError)
    /// Whether a call waits on the network (a server then runs it off its event loop, on a bounded pool).
    var isRemote: Bool { get }
}

extension SessionStore {
    /// A store in this process is always there.
    public func ping() throws(TelegramAuthError) {}
    public var isRemote: Bool { false }
}

/// The bounds every store that keeps sessions shares.
public enum SessionLimits {
    /// Sessions one Telegram user may hold at once; a new login ends that user's oldest.
    public static let defaultPerUser = 16
}
