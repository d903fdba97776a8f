#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import TelegramAuth

/// The default store: in this process, thread-safe, bounded.
///
/// Only live logins count against the capacity: when the store is full, logins past their `ttl` give up
/// their place at once (oldest first), before `create` answers `store_full`. Every call takes O(log n)
/// at most under the lock, so a flood of `start`s cannot slow the webhook and polls of others.
public final class InMemoryDeepLinkStore: DeepLinkStore, @unchecked Sendable {
    struct Entry {
        var value: String
        /// When the login may go for good (Unix ms); when it stops being live, only the queue needs.
        var keepUntil: Int64
    }

    /// A login in the expiry queue.
    struct Expiry {
        var liveUntil: Int64
        var keepUntil: Int64
        var pollKey: String
        var tokenKey: String
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // guarded by mutex
    private var tokens: [String: Entry] = [:]
    private var records: [String: Entry] = [:]
    /// Every login, soonest `liveUntil` first: a binary min-heap.
    private var queue: [Expiry] = []
    /// Pending notifications per key, and when they lapse (ms); `notificationOrder` lists them by lapse.
    private var notifications: [String: (count: Int, expires: Int64)] = [:]
    private var notificationOrder: [(key: String, expires: Int64)] = []
    private var notificationHead = 0
    /// How long a notification nobody waits for is kept.
    static let notificationLifetime: Int64 = 900_000

    /// The most logins held at once.
    public let capacity: Int
    let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - capacity: the most logins; `create` beyond it, when none has expired, fails with `store_full`.
    ///   - clock: Unix time in milliseconds (for tests); the system clock by default.
    /// The capacity a store gets unless told otherwise.
    public static let defaultCapacity = 100_000

    public init(capacity: Int = InMemoryDeepLinkStore.defaultCapacity, clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds) {
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

    /// Logins held now, live or kept after their expiry.
    public var count: Int { (try? locked { records.count }) ?? 0 }

    /// Drops every login whose keeping time has passed.
    public func sweep() { _ = try? locked { dropExpired(now: clock(), needRoom: false) } }

    /// Drops logins from the front of the queue: those past `keepUntil`, and with `needRoom` also those
    /// past `liveUntil`, until the store has room.
    private func dropExpired(now: Int64, needRoom: Bool) {
        while let first = queue.first,
            first.keepUntil <= now || (needRoom && records.count >= capacity && first.liveUntil <= now)
        {
            records[first.pollKey] = nil
            tokens[first.tokenKey] = nil
            popQueue()
        }
        while notificationHead < notificationOrder.count, notificationOrder[notificationHead].expires <= now {
            let n = notificationOrder[notificationHead]
            if let current = notifications[n.key], current.expires <= now { notifications[n.key] = nil }
            notificationHead += 1
        }
        if notificationHead > 1024 && notificationHead * 2 > notificationOrder.count {
            notificationOrder.removeFirst(notificationHead)
            notificationHead = 0
        }
    }

    private func pushQueue(_ e: Expiry) {
        queue.append(e)
        var i = queue.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard queue[i].liveUntil < queue[parent].liveUntil else { break }
            queue.swapAt(i, parent)
            i = parent
        }
    }

    private func popQueue() {
        queue.swapAt(0, queue.count - 1)
        queue.removeLast()
        var i = 0
        while true {
            let (l, r) = (2 * i + 1, 2 * i + 2)
            var smallest = i
            if l < queue.count && queue[l].liveUntil < queue[smallest].liveUntil { smallest = l }
            if r < queue.count && queue[r].liveUntil < queue[smallest].liveUntil { smallest = r }
            if smallest == i { return }
            queue.swapAt(i, smallest)
            i = smallest
        }
    }

    public func create(tokenKey: String, pollKey: String, record: String, ttl: Int64, keep: Int64) throws(TelegramAuthError) {
        let now = clock()
        try locked { () throws(TelegramAuthError) in
            dropExpired(now: now, needRoom: true)
            guard records.count < capacity else {
                throw TelegramAuthError(.storeFull, "the login store holds its maximum of \(capacity) live logins")
            }
            guard tokens[tokenKey] == nil, records[pollKey] == nil else {
                throw TelegramAuthError(.invalidArgument, "a login with this token already exists")
            }
            let live = now + ttl * 1000
            let kept = live + max(0, keep) * 1000
            tokens[tokenKey] = Entry(value: pollKey, keepUntil: kept)
            records[pollKey] = Entry(value: record, keepUntil: kept)
            pushQueue(Expiry(liveUntil: live, keepUntil: kept, pollKey: pollKey, tokenKey: tokenKey))
        }
    }

    public func pollKey(forToken tokenKey: String) throws(TelegramAuthError) -> String? {
        let now = clock()
        return try locked { () -> String? in
            guard let e = tokens[tokenKey], e.keepUntil > now else { return nil }
            return e.value
        }
    }

    public func update<R>(_ key: String, _ body: (String?) -> (String?, R)) throws(TelegramAuthError) -> R {
        let now = clock()
        return try locked { () -> R in
            let current = records[key].flatMap { $0.keepUntil > now ? $0.value : nil }
            let (next, result) = body(current)
            if let next, var e = records[key], e.keepUntil > now {
                e.value = next
                records[key] = e
            }
            return result
        }
    }

    public func notify(_ key: String) throws(TelegramAuthError) {
        let expires = clock() + Self.notificationLifetime
        try locked {
            notifications[key] = ((notifications[key]?.count ?? 0) + 1, expires)
            notificationOrder.append((key, expires))
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
