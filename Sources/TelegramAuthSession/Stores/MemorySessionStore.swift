import CSodium
import TelegramAuth

/// Sessions kept in this process under a random ticket (the cookie holds only the ticket): a logout revokes
/// the session at once. At most `perUser` sessions for one Telegram user (a new login ends that user's
/// oldest) and `capacity` in all (a new login ends the oldest session of anyone): a login is never refused
/// for want of room, so one account replaying its logins cannot lock the others out.
public final class MemorySessionStore: SessionStore {
    public static let defaultCapacity = 100_000

    final class Table {
        /// By the ticket's hash: the session, and the number of its place in `order`.
        var sessions: [String: (session: Session, number: UInt64)] = [:]
        /// Each user's session keys, oldest first (at most `perUser`).
        var byUser: [Int64: [String]] = [:]
        var order = InsertionOrder()

        func isCurrent(_ key: String, _ number: UInt64) -> Bool { sessions[key]?.number == number }

        func remove(_ key: String) {
            guard let (session, _) = sessions.removeValue(forKey: key) else { return }
            let id = session.identity.id
            byUser[id]?.removeAll { $0 == key }
            if byUser[id]?.isEmpty == true { byUser[id] = nil }
        }
    }
    let table = Locked(Table())
    let capacity: Int
    let perUser: Int
    let spent = SpentMarks()

    public init(capacity: Int = MemorySessionStore.defaultCapacity, perUser: Int = SessionLimits.defaultPerUser) {
        self.capacity = max(1, capacity)
        self.perUser = max(1, perUser)
    }

    public func save(_ session: Session) -> String {
        let ticket = Self.newTicket()
        let key = Self.key(Array(ticket.utf8))
        let id = session.identity.id
        table.withLock { t in
            while let mine = t.byUser[id], mine.count >= perUser { t.remove(mine[0]) }
            while t.sessions.count >= capacity, let oldest = t.order.takeOldest(t.isCurrent) { t.remove(oldest) }
            t.sessions[key] = (session, t.order.add(key))
            t.byUser[id, default: []].append(key)
            t.order.compact(live: t.sessions.count, t.isCurrent)
        }
        return ticket
    }

    public func load(_ cookie: some Collection<UInt8>, now: Int64) -> Session? {
        let key = Self.key(Array(cookie))
        return table.withLock { t in
            guard let (session, _) = t.sessions[key] else { return nil }
            guard session.isValid(at: now) else {
                t.remove(key)
                return nil
            }
            return session
        }
    }

    public func revoke(_ cookie: some Collection<UInt8>) {
        let key = Self.key(Array(cookie))
        table.withLock { $0.remove(key) }
    }

    public func spend(_ id: String, expiresAt: Int64) -> Bool { spent.spend(id, expiresAt: expiresAt) }

    /// How many sessions the store holds for `user` (all of them when nil).
    public func count(user: Int64? = nil) -> Int {
        table.withLock { t in user.map { t.byUser[$0]?.count ?? 0 } ?? t.sessions.count }
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
