import TelegramAuth
import TelegramAuthSession

/// A session store as a server calls it: a store that waits on the network (Redis) runs on a `BlockingPool`,
/// one in this process is called directly. The only place that asks `isRemote`.
public struct AsyncSessionStore: Sendable {
    public let store: any SessionStore
    public let pool: BlockingPool

    public init(_ store: any SessionStore, pool: BlockingPool = .shared) {
        self.store = store
        self.pool = pool
    }

    public func save(_ session: Session) async throws(TelegramAuthError) -> String {
        try await call { [store] () throws(TelegramAuthError) in try store.save(session) }
    }

    public func load(_ cookie: [UInt8], now: Int64) async throws(TelegramAuthError) -> Session? {
        try await call { [store] () throws(TelegramAuthError) in try store.load(cookie, now: now) }
    }

    public func revoke(_ cookie: [UInt8]) async throws(TelegramAuthError) {
        try await call { [store] () throws(TelegramAuthError) in try store.revoke(cookie) }
    }

    public func spend(_ id: String, expiresAt: Int64) async throws(TelegramAuthError) -> Bool {
        try await call { [store] () throws(TelegramAuthError) in try store.spend(id, expiresAt: expiresAt) }
    }

    public func ping() async throws(TelegramAuthError) {
        try await call { [store] () throws(TelegramAuthError) in try store.ping() }
    }

    func call<R: Sendable>(_ body: @escaping @Sendable () throws(TelegramAuthError) -> R) async throws(TelegramAuthError) -> R {
        store.isRemote ? try await pool.run(body) : try body()
    }
}
