import CHiredis
import TelegramAuthRedis
import TelegramAuth

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A login store in Redis, shared by any number of processes (through hiredis).
///
/// Keys are `tgauth:dl:<bot>:{t,p,n}:<hex SHA-256>`: hashes of the login token and poll secret, so a
/// leaked Redis reveals no live token. Expiry uses Redis TTLs; updates are optimistic transactions
/// (`WATCH`/`MULTI`/`EXEC`), so an approval is handed out once even with concurrent pollers in different
/// processes; `wait` blocks on a list (`BLPOP`) that the webhook pushes to, from any process.
/// A Redis that is down gives `store_unavailable`, and the next call reconnects.
public final class RedisDeepLinkStore: DeepLinkStore, Sendable {
    /// The connection pool (shared code with the session store).
    package let redis: RedisClient

    public var host: String { redis.host }
    public var port: Int32 { redis.port }
    public var database: Int { redis.database }
    /// Seconds allowed for connecting and for each command (a blocking wait adds its own timeout).
    public var timeout: Double { redis.timeout }
    var endpoint: String { redis.endpoint }

    /// - Parameters:
    ///   - url: `redis://[:password@]host[:port][/db]`.
    ///   - timeout: seconds for connecting and for each command.
    /// - Throws: `invalid_argument` for a URL that is not of that form. Connecting happens on first use.
    public init(url: String, timeout: Double = 2) throws(TelegramAuthError) {
        redis = try RedisClient(url: url, timeout: timeout)
    }

    /// Checks that Redis answers (`PING`).
    public func ping() throws(TelegramAuthError) { try redis.ping() }

    // MARK: DeepLinkStore

    public func create(tokenKey: String, pollKey: String, record: String, ttl loginTTL: Int64, keep: Int64) throws(TelegramAuthError) {
        let ttl = loginTTL + keep
        try redis.withConnection { (c) throws(TelegramAuthError) in
            let replies = try redis.pipeline(c, [
                ["MULTI"], ["SET", tokenKey, pollKey, "NX", "EX", String(ttl)], ["SET", pollKey, record, "NX", "EX", String(ttl)],
                ["EXEC"],
            ])
            guard case .array(let results) = replies[3], results.count == 2 else {
                throw TelegramAuthError(.storeUnavailable, "\(endpoint) did not store the login")
            }
            for case .null in results { throw TelegramAuthError(.invalidArgument, "a login with this token already exists") }
        }
    }

    public func pollKey(forToken tokenKey: String) throws(TelegramAuthError) -> String? {
        try redis.withConnection { (c) throws(TelegramAuthError) in RedisClient.text(try redis.run(c, ["GET", tokenKey])) }
    }

    public func update<R>(_ key: String, _ body: (String?) -> (String?, R)) throws(TelegramAuthError) -> R {
        try redis.withConnection { (c) throws(TelegramAuthError) -> R in
            for _ in 0..<100 {
                let current = RedisClient.text(try redis.pipeline(c, [["WATCH", key], ["GET", key]])[1])
                let (next, result) = body(current)
                guard let next else {
                    _ = try redis.run(c, ["UNWATCH"])
                    return result
                }
                switch try redis.pipeline(c, [["MULTI"], ["SET", key, next, "XX", "KEEPTTL"], ["EXEC"]])[2] {
                case .array: return result  // committed (XX: a key that expired meanwhile is not recreated)
                default: continue  // another client changed the key: read again
                }
            }
            throw TelegramAuthError(.storeUnavailable, "\(endpoint): too much contention on one login")
        }
    }

    public func notify(_ key: String) throws(TelegramAuthError) {
        try redis.withConnection { (c) throws(TelegramAuthError) in
            _ = try redis.pipeline(c, [["MULTI"], ["RPUSH", key, "1"], ["EXPIRE", key, "900"], ["EXEC"]])
        }
    }

    public func wait(_ key: String, timeout seconds: Double) throws(TelegramAuthError) -> Bool {
        try redis.withConnection { (c) throws(TelegramAuthError) -> Bool in
            redisSetTimeout(c.context, RedisClient.duration(seconds + timeout))
            defer { redisSetTimeout(c.context, RedisClient.duration(timeout)) }
            let ms = Int((max(0.01, seconds) * 1000).rounded())
            let fraction = String(ms % 1000)
            let reply = try redis.run(c, ["BLPOP", key, "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction])
            if case .array = reply { return true }
            return false
        }
    }
}
