import TelegramAuth

/// Where pending logins live. Keys are hashes of the login token and poll secret, never the secrets.
///
/// Implementations must make `update` atomic per key (no two bodies for one key interleave), keep
/// `create`'s lifetime on updates, and make `notify`/`wait` behave like a queue: a notification
/// sent before anyone waits is kept for the next `wait`.
public protocol DeepLinkStore: Sendable {
    /// Stores a new login: `tokenKey` → `pollKey`, and the record at `pollKey`. The login is live for `ttl`
    /// seconds; afterwards both stay readable for `keep` more seconds (so a poll can still learn `expired`,
    /// or collect an approval given just in time), where the store has room for them.
    func create(tokenKey: String, pollKey: String, record: String, ttl: Int64, keep: Int64) throws(TelegramAuthError)
    /// The poll key a token key leads to, or nil.
    func pollKey(forToken tokenKey: String) throws(TelegramAuthError) -> String?
    /// Reads the record at `key` and, atomically, replaces it with what `body` returns (nil: no write).
    func update<R>(_ key: String, _ body: (String?) -> (String?, R)) throws(TelegramAuthError) -> R
    /// Wakes one `wait` on `key` (now, or the next to come).
    func notify(_ key: String) throws(TelegramAuthError)
    /// Waits up to `timeout` seconds for a notification on `key`; true when one came.
    func wait(_ key: String, timeout: Double) throws(TelegramAuthError) -> Bool
}
