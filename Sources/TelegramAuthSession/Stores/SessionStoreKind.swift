import TelegramAuth

/// Which store keeps a server's sessions, and the one factory that makes it.
public enum SessionStoreKind: Sendable, Equatable {
    /// The whole session sealed into the cookie: nothing kept on the server.
    case cookie
    /// Kept in this process.
    case memory
    /// Kept in Redis, shared by replicas; the password apart from the URL (read from a file).
    case redis(url: String, password: String?)

    /// `cookie` (or nothing), `memory`, or `redis://HOST[:PORT][/DB]`.
    /// - Throws: `invalid_argument` for anything else.
    public init(parsing text: String?, password: String? = nil) throws(TelegramAuthError) {
        switch text {
        case nil, "cookie": self = .cookie
        case "memory": self = .memory
        case let url? where url.hasPrefix("redis://"): self = .redis(url: url, password: password)
        case _: throw .invalidArgument("a session store is cookie, memory or redis://HOST[:PORT][/DB]")
        }
        if password != nil {
            guard case .redis = self else { throw .invalidArgument("a session store password goes with a redis:// store") }
        }
    }

    /// The store of this kind. `sealer` seals the cookie store's sessions; `perUser` bounds the others'.
    /// - Throws: `invalid_argument` for a Redis URL that is not of its form.
    public func make(sealer: CookieSealer, perUser: Int = SessionLimits.defaultPerUser) throws(TelegramAuthError) -> any SessionStore {
        switch self {
        case .cookie: CookieSessionStore(sealer: sealer)
        case .memory: MemorySessionStore(perUser: perUser)
        case .redis(let url, let password): try RedisSessionStore(url: url, password: password, perUser: perUser)
        }
    }

    /// Whether the store's calls wait on the network, and how long each may take (seconds).
    public var timeout: Double? {
        if case .redis = self { RedisSessionStore.defaultTimeout } else { nil }
    }
}
