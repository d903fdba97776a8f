import CSodium
import TelegramAuthRedis
import TelegramAuth

/// Where sessions live, and what the session cookie holds.
public protocol SessionStore: Sendable {
    /// Keeps `session` and returns the cookie value that carries it.
    func save(_ session: Session) throws(TelegramAuthError) -> String
    /// The session a cookie value carries, when it is still valid at `now`; nil for any other cookie.
    /// - Throws: `store_unavailable` when the store cannot be read (the caller must then refuse: fail closed).
    func load(_ cookie: some Collection<UInt8>, now: Int64) throws(TelegramAuthError) -> Session?
    /// Ends the session everywhere (a store that keeps sessions); the cookie alone can only be cleared.
    func revoke(_ cookie: some Collection<UInt8>) throws(TelegramAuthError)
    /// Whether the store can be read now (a gateway's readiness).
    /// - Throws: `store_unavailable`.
    func ping() throws(TelegramAuthError)
    /// Whether a call waits on the network (a server then runs it off its event loop).
    var isRemote: Bool { get }
}

extension SessionStore {
    /// A store in this process is always there.
    public func ping() throws(TelegramAuthError) {}
    public var isRemote: Bool { false }
}

/// The default: the whole session sealed into the cookie (`CookieSealer`), nothing kept on the server. A
/// logout clears the cookie; a copy of it stays valid until it expires.
public struct CookieSessionStore: SessionStore {
    static let purpose = "session"
    let sealer: CookieSealer

    public init(sealer: CookieSealer) { self.sealer = sealer }

    public func save(_ session: Session) -> String { sealer.seal(Array(session.json.utf8), purpose: Self.purpose) }

    public func load(_ cookie: some Collection<UInt8>, now: Int64) -> Session? {
        guard let plain = sealer.open(cookie, purpose: Self.purpose), let session = try? Session(json: plain) else { return nil }
        return session.isValid(at: now) ? session : nil
    }

    public func revoke(_ cookie: some Collection<UInt8>) {}
}

/// Sessions kept in this process under a random ticket (the cookie holds only the ticket): a logout revokes
/// the session at once. At most `capacity` live sessions; past that, expired ones make room, then `store_full`.
public final class MemorySessionStore: SessionStore {
    public static let defaultCapacity = 100_000
    let sessions = Locked<[String: Session]>([:])
    let capacity: Int

    public init(capacity: Int = MemorySessionStore.defaultCapacity) { self.capacity = max(1, capacity) }

    public func save(_ session: Session) throws(TelegramAuthError) -> String {
        let ticket = Self.newTicket()
        let key = Self.key(Array(ticket.utf8))
        let full = sessions.withLock { s -> Bool in
            if s.count >= capacity { s = s.filter { $0.value.isValid(at: SystemClock.unixTime()) } }
            guard s.count < capacity else { return true }
            s[key] = session
            return false
        }
        if full { throw TelegramAuthError(.storeFull, "the session store holds its maximum of \(capacity) sessions") }
        return ticket
    }

    public func load(_ cookie: some Collection<UInt8>, now: Int64) -> Session? {
        let key = Self.key(Array(cookie))
        return sessions.withLock { s in
            guard let session = s[key] else { return nil }
            guard session.isValid(at: now) else {
                s[key] = nil
                return nil
            }
            return session
        }
    }

    public func revoke(_ cookie: some Collection<UInt8>) {
        let key = Self.key(Array(cookie))
        sessions.withLock { $0[key] = nil }
    }

    /// 32 random bytes, base64url.
    static func newTicket() -> String {
        var raw = [UInt8](repeating: 0, count: 32)
        randombytes_buf(&raw, raw.count)
        return Base64URL.encode(raw)
    }

    /// The store's key of a ticket: its SHA-256, so the table holds no usable ticket.
    static func key(_ ticket: [UInt8]) -> String { Hex.encode(SHA256Digest.hash(ticket)) }
}

/// Sessions kept in Redis under a random ticket (the cookie holds only the ticket), with Redis's TTL: any
/// number of gateway replicas share them, and a logout revokes the session on every one. Keys are
/// `tgauth:session:<hex SHA-256 of the ticket>`, so a leaked Redis holds no usable ticket.
public final class RedisSessionStore: SessionStore {
    let redis: RedisClient

    /// - Parameters:
    ///   - url: `redis://[:password@]host[:port][/db]`.
    ///   - timeout: seconds for connecting and for each command.
    /// - Throws: `invalid_argument` for a URL that is not of that form. Connecting happens on first use.
    public init(url: String, timeout: Double = 2) throws(TelegramAuthError) {
        redis = try RedisClient(url: url, timeout: timeout)
    }

    static func key(_ ticket: [UInt8]) -> String { "tgauth:session:" + MemorySessionStore.key(ticket) }

    public func save(_ session: Session) throws(TelegramAuthError) -> String {
        let ticket = MemorySessionStore.newTicket()
        let ttl = max(1, session.expiresAt - SystemClock.unixTime())
        try redis.withConnection { (c) throws(TelegramAuthError) in
            _ = try redis.run(c, ["SET", Self.key(Array(ticket.utf8)), session.json, "EX", String(ttl)])
        }
        return ticket
    }

    public func load(_ cookie: some Collection<UInt8>, now: Int64) throws(TelegramAuthError) -> Session? {
        let key = Self.key(Array(cookie))
        let stored = try redis.withConnection { (c) throws(TelegramAuthError) in RedisClient.text(try redis.run(c, ["GET", key])) }
        guard let stored, let session = try? Session(json: Array(stored.utf8)), session.isValid(at: now) else { return nil }
        return session
    }

    public func revoke(_ cookie: some Collection<UInt8>) throws(TelegramAuthError) {
        let key = Self.key(Array(cookie))
        try redis.withConnection { (c) throws(TelegramAuthError) in _ = try redis.run(c, ["DEL", key]) }
    }

    /// Checks that Redis answers (`PING`): the gateway's `/ready`.
    public func ping() throws(TelegramAuthError) { try redis.ping() }

    public var isRemote: Bool { true }
}
