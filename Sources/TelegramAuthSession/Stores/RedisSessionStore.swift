import TelegramAuth
import TelegramAuthRedis

/// Sessions kept in Redis under a random ticket (the cookie holds only the ticket), with Redis's TTL: any
/// number of gateway replicas share them, and a logout revokes the session on every one. Keys are
/// `tgauth:session:<hex SHA-256 of the ticket>`, so a leaked Redis holds no usable ticket; each user's keys
/// are listed, oldest first, in the sorted set `tgauth:user:<id>`, which holds at most `perUser` of them.
public final class RedisSessionStore: SessionStore {
    let redis: RedisClient
    let perUser: Int
    /// Seconds for connecting and for each command, unless told.
    public static let defaultTimeout = 2.0

    /// - Parameters:
    ///   - url: `redis://[:password@]host[:port][/db]`.
    ///   - password: the password, when it is not in the URL (read from a file: a URL shows in `ps`).
    ///   - timeout: seconds for connecting and for each command.
    ///   - perUser: sessions one Telegram user may hold; a new login ends that user's oldest.
    /// - Throws: `invalid_argument` for a URL that is not of that form. Connecting happens on first use.
    public init(url: String, password: String? = nil, timeout: Double = RedisSessionStore.defaultTimeout, perUser: Int = SessionLimits.defaultPerUser)
        throws(TelegramAuthError)
    {
        redis = try RedisClient(url: url, password: password, timeout: timeout)
        self.perUser = max(1, perUser)
    }

    /// Seconds a call may take (connecting, then the command).
    public var timeout: Double { redis.timeout }

    static func key(_ ticket: [UInt8]) -> String { "tgauth:session:" + MemorySessionStore.key(ticket) }
    static func userKey(_ id: Int64) -> String { "tgauth:user:\(id)" }

    /// One atomic step: the session under its key, the key in the user's set (scored by Redis's clock in
    /// microseconds), the user's expired and oldest-beyond-the-limit sessions ended, the set's TTL renewed.
    /// KEYS: session key, user set. ARGV: session JSON, TTL in seconds, per-user limit.
    static let saveScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local ttl = tonumber(ARGV[2])
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
        redis.call('ZADD', KEYS[2], now, KEYS[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl * 1000000)
        local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
        if extra > 0 then
            local oldest = redis.call('ZRANGE', KEYS[2], 0, extra - 1)
            redis.call('DEL', unpack(oldest))
            redis.call('ZREM', KEYS[2], unpack(oldest))
        end
        redis.call('EXPIRE', KEYS[2], ttl)
        return redis.status_reply('OK')
        """

    public func save(_ session: Session) throws(TelegramAuthError) -> String {
        let ticket = MemorySessionStore.newTicket()
        let ttl = max(1, session.expiresAt - SystemClock.unixTime())
        let keys = [Self.key(Array(ticket.utf8)), Self.userKey(session.identity.id)]
        let reply = try redis.withConnection { (c) throws(TelegramAuthError) in
            try redis.run(c, ["EVAL", Self.saveScript, "2"] + keys + [session.json, String(ttl), String(perUser)])
        }
        guard case .status("OK") = reply else { throw Self.unexpected("EVAL", reply) }
        return ticket
    }

    public func load(_ cookie: some Collection<UInt8>, now: Int64) throws(TelegramAuthError) -> Session? {
        let key = Self.key(Array(cookie))
        let reply = try redis.withConnection { (c) throws(TelegramAuthError) in try redis.run(c, ["GET", key]) }
        switch reply {
        case .null: return nil
        case .string(let stored):
            guard let session = try? Session(json: stored), session.isValid(at: now) else { return nil }
            return session
        default: throw Self.unexpected("GET", reply)
        }
    }

    /// Deletes the session and its entry in the user's set.
    /// - Throws: `store_unavailable` when Redis did not confirm: the session may still be live.
    public func revoke(_ cookie: some Collection<UInt8>) throws(TelegramAuthError) {
        let key = Self.key(Array(cookie))
        try redis.withConnection { (c) throws(TelegramAuthError) in
            let stored = try redis.run(c, ["GET", key])
            var commands = [["DEL", key]]
            if case .string(let json) = stored, let session = try? Session(json: json) {
                commands.append(["ZREM", Self.userKey(session.identity.id), key])
            }
            for reply in try redis.pipeline(c, commands) {
                guard case .integer = reply else { throw Self.unexpected("DEL", reply) }
            }
        }
    }

    /// `SET tgauth:spent:<hex SHA-256 of id> 1 NX EXAT expiresAt`: OK the first time, nil after.
    public func spend(_ id: String, expiresAt: Int64) throws(TelegramAuthError) -> Bool {
        let key = "tgauth:spent:" + MemorySessionStore.key(Array(id.utf8))
        let reply = try redis.withConnection { (c) throws(TelegramAuthError) in
            try redis.run(c, ["SET", key, "1", "NX", "EXAT", String(max(1, expiresAt))])
        }
        switch reply {
        case .status("OK"): return true
        case .null: return false
        default: throw Self.unexpected("SET", reply)
        }
    }

    /// Checks that Redis answers (`PING`): the gateway's `/ready`.
    public func ping() throws(TelegramAuthError) { try redis.ping() }

    public var isRemote: Bool { true }

    /// A reply of a type the command never gives (a broken proxy in front of Redis, say): the store is not one
    /// to trust, so the caller refuses.
    static func unexpected(_ command: String, _ reply: RedisClient.Reply) -> TelegramAuthError {
        TelegramAuthError(.storeUnavailable, "Redis answered \(command) with an unexpected \(reply.typeName) reply")
    }
}
