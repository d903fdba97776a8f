import Foundation
import TelegramAuth
import TelegramAuthSession

/// A session store on the network that stops answering, as a Redis under SIGSTOP does: every call blocks its
/// thread until `thaw()` (or 10 s), then fails. Sessions are sealed cookies (a `CookieSessionStore` inside), so
/// a store that answers can be had from the same value.
final class FrozenStore: SessionStore, @unchecked Sendable {
    let inner: CookieSessionStore
    let thawed = NSCondition()
    var frozen = true
    let calls = NSLock()
    private(set) var callCount = 0

    init(sealer: CookieSealer) { inner = CookieSessionStore(sealer: sealer) }

    func thaw() {
        thawed.lock()
        frozen = false
        thawed.broadcast()
        thawed.unlock()
    }

    func block() throws(TelegramAuthError) {
        calls.lock()
        callCount += 1
        calls.unlock()
        thawed.lock()
        defer { thawed.unlock() }
        let until = Date().addingTimeInterval(10)
        while frozen, thawed.wait(until: until) {}
        if frozen { throw TelegramAuthError(.storeUnavailable, "the test store did not answer") }
    }

    func save(_ session: Session) throws(TelegramAuthError) -> String {
        try block()
        return inner.save(session)
    }
    func load(_ cookie: some Collection<UInt8>, now: Int64) throws(TelegramAuthError) -> Session? {
        try block()
        return inner.load(cookie, now: now)
    }
    func revoke(_ cookie: some Collection<UInt8>) throws(TelegramAuthError) { try block() }
    func spend(_ id: String, expiresAt: Int64) throws(TelegramAuthError) -> Bool {
        try block()
        return inner.spend(id, expiresAt: expiresAt)
    }
    var isRemote: Bool { true }
}

/// A store whose every call fails at once, as a Redis that refuses connections does; it can seal sessions for
/// the test to present (`seal`).
struct DownStore: SessionStore {
    let inner: CookieSessionStore
    init(sealer: CookieSealer) { inner = CookieSessionStore(sealer: sealer) }
    func seal(_ session: Session) -> String { inner.save(session) }
    static let down = TelegramAuthError(.storeUnavailable, "cannot connect to the test store")
    func save(_ session: Session) throws(TelegramAuthError) -> String { throw Self.down }
    func load(_ cookie: some Collection<UInt8>, now: Int64) throws(TelegramAuthError) -> Session? { throw Self.down }
    func revoke(_ cookie: some Collection<UInt8>) throws(TelegramAuthError) { throw Self.down }
    func spend(_ id: String, expiresAt: Int64) throws(TelegramAuthError) -> Bool { throw Self.down }
    var isRemote: Bool { true }
}
