#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where pending logins live. Keys are hashes of the login token and poll secret, never the secrets.
///
/// Implementations must make `update` atomic per key (no two bodies for one key interleave), keep
/// `create`'s time-to-live on updates, and make `notify`/`wait` behave like a queue: a notification
/// sent before anyone waits is kept for the next `wait`.
public protocol DeepLinkStore: Sendable {
    /// Stores a new login: `tokenKey` → `pollKey`, and the record at `pollKey`, both for `ttl` seconds.
    func create(tokenKey: String, pollKey: String, record: String, ttl: Int64) throws(TelegramAuthError)
    /// The poll key a token key leads to, or nil.
    func pollKey(forToken tokenKey: String) throws(TelegramAuthError) -> String?
    /// Reads the record at `key` and, atomically, replaces it with what `body` returns (nil: no write).
    func update<R>(_ key: String, _ body: (String?) -> (String?, R)) throws(TelegramAuthError) -> R
    /// Wakes one `wait` on `key` (now, or the next to come).
    func notify(_ key: String) throws(TelegramAuthError)
    /// Waits up to `timeout` seconds for a notification on `key`; true when one came.
    func wait(_ key: String, timeout: Double) throws(TelegramAuthError) -> Bool
}

/// The system clock as Unix milliseconds, the default clock of the deep-link types.
public enum WallClock {
    public static func milliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// The default store: in this process, thread-safe, bounded, with expired logins swept.
public final class InMemoryDeepLinkStore: DeepLinkStore, @unchecked Sendable {
    struct Entry {
        var value: String
        var expires: Int64  // ms
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // guarded by mutex
    private var tokens: [String: Entry] = [:]
    private var records: [String: Entry] = [:]
    /// Pending notifications per key, and when they lapse (ms).
    private var notifications: [String: (count: Int, expires: Int64)] = [:]
    private var createsSinceSweep = 0

    /// The most logins held at once.
    public let capacity: Int
    let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - capacity: the most pending logins; `create` beyond it fails with `store_full`.
    ///   - clock: Unix time in milliseconds (for tests); the system clock by default.
    public init(capacity: Int = 100_000, clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds) {
        self.capacity = max(1, capacity)
        self.clock = clock
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    private func locked<R>(_ body: () throws(TelegramAuthError) -> R) throws(TelegramAuthError) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Logins held now (expired ones count until swept).
    public var count: Int { (try? locked { records.count }) ?? 0 }

    /// Drops every expired login (called by `create` from time to time and when full).
    public func sweep() { _ = try? locked { sweepLocked(now: clock()) } }

    private func sweepLocked(now: Int64) {
        tokens = tokens.filter { $0.value.expires > now }
        records = records.filter { $0.value.expires > now }
        notifications = notifications.filter { $0.value.expires > now }
        createsSinceSweep = 0
    }

    public func create(tokenKey: String, pollKey: String, record: String, ttl: Int64) throws(TelegramAuthError) {
        let now = clock()
        try locked { () throws(TelegramAuthError) in
            createsSinceSweep += 1
            if records.count >= capacity || createsSinceSweep >= 1024 { sweepLocked(now: now) }
            guard records.count < capacity else {
                throw TelegramAuthError(.storeFull, "the login store holds its maximum of \(capacity) pending logins")
            }
            guard tokens[tokenKey] == nil, records[pollKey] == nil else {
                throw TelegramAuthError(.invalidArgument, "a login with this token already exists")
            }
            let expires = now + ttl * 1000
            tokens[tokenKey] = Entry(value: pollKey, expires: expires)
            records[pollKey] = Entry(value: record, expires: expires)
        }
    }

    public func pollKey(forToken tokenKey: String) throws(TelegramAuthError) -> String? {
        let now = clock()
        return try locked { () -> String? in
            guard let e = tokens[tokenKey], e.expires > now else { return nil }
            return e.value
        }
    }

    public func update<R>(_ key: String, _ body: (String?) -> (String?, R)) throws(TelegramAuthError) -> R {
        let now = clock()
        return try locked { () -> R in
            let current = records[key].flatMap { $0.expires > now ? $0.value : nil }
            let (next, result) = body(current)
            if let next, let e = records[key], e.expires > now { records[key] = Entry(value: next, expires: e.expires) }
            return result
        }
    }

    public func notify(_ key: String) throws(TelegramAuthError) {
        let expires = clock() + 900_000
        try locked {
            notifications[key] = ((notifications[key]?.count ?? 0) + 1, expires)
            pthread_cond_broadcast(cond)
        }
    }

    private func takeNotification(_ key: String) -> Bool {
        guard let n = notifications[key], n.count > 0 else { return false }
        notifications[key] = n.count > 1 ? (n.count - 1, n.expires) : nil
        return true
    }

    public func wait(_ key: String, timeout: Double) throws(TelegramAuthError) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let t = max(0, timeout)
        deadline.tv_sec += Int(t)
        deadline.tv_nsec += Int((t - t.rounded(.down)) * 1e9)
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        return try locked { () -> Bool in
            while true {
                if takeNotification(key) { return true }
                if pthread_cond_timedwait(cond, mutex, &deadline) == ETIMEDOUT { return takeNotification(key) }
            }
        }
    }
}
