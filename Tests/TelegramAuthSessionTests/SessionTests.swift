import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth
@testable import TelegramAuthOIDC
@testable import TelegramAuthRedis
@testable import TelegramAuthSession

/// Sealed cookies and the session stores behind tgauth-serve.
@Suite struct SessionTests {
    static let secret = [UInt8](repeating: 0x11, count: 32)
    static let other = [UInt8](repeating: 0x22, count: 32)
    static let alice = TelegramIdentity(id: 279058397, username: "vdkfrost", name: "Vlad \"V\"\n", photoURL: nil, method: .widget, authTime: 1_700_000_000)

    @Test func aSealedCookieOpensOnlyForItsPurposeAndItsSecrets() throws {
        let sealer = try CookieSealer(secrets: [Self.secret])
        let cookie = sealer.seal(Array("hello".utf8), purpose: "session")
        #expect(sealer.open(Array(cookie.utf8), purpose: "session") == Array("hello".utf8))
        #expect(sealer.open(Array(cookie.utf8), purpose: "flow") == nil)
        #expect(try CookieSealer(secrets: [Self.other]).open(Array(cookie.utf8), purpose: "session") == nil)
        // rotation: the new secret first seals; the old one still opens what it sealed
        let rotated = try CookieSealer(secrets: [Self.other, Self.secret])
        #expect(rotated.open(Array(cookie.utf8), purpose: "session") == Array("hello".utf8))
        #expect(sealer.open(Array(rotated.seal([1, 2], purpose: "session").utf8), purpose: "session") == nil)
        // every changed byte, a cut and garbage are refused
        var bytes = Array(cookie.utf8)
        for i in bytes.indices {
            let saved = bytes[i]
            bytes[i] = saved == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(sealer.open(bytes, purpose: "session") != Array("hello".utf8))
            bytes[i] = saved
        }
        #expect(sealer.open(bytes.dropLast(3), purpose: "session") == nil)
        #expect(sealer.open(Array("not a cookie".utf8), purpose: "session") == nil)
        #expect(sealer.open([], purpose: "session") == nil)
        // two seals of the same value differ (a fresh nonce each time)
        #expect(sealer.seal([1], purpose: "p") != sealer.seal([1], purpose: "p"))
    }

    @Test func shortOrMissingSecretsAreRefused() {
        #expect(throws: TelegramAuthError.self) { try CookieSealer(secrets: []) }
        #expect(throws: TelegramAuthError.self) { try CookieSealer(secrets: [Self.secret, [UInt8](repeating: 1, count: 31)]) }
    }

    @Test func theCookieStoreKeepsTheWholeSessionAndHonoursItsEnd() throws {
        let store = CookieSessionStore(sealer: try CookieSealer(secrets: [Self.secret]))
        let session = Session(identity: Self.alice, issuedAt: 1000, expiresAt: 2000)
        let cookie = store.save(session)
        #expect(cookie.utf8.count < 600 && !cookie.contains("vdkfrost"))
        #expect(store.load(Array(cookie.utf8), now: 1500) == session)
        #expect(store.load(Array(cookie.utf8), now: 2000) == nil)
        #expect(store.load(Array(cookie.utf8), now: 800) == nil)  // issued in the future
    }

    @Test func theMemoryStoreRevokesAtOnceAndKeepsNoUsableTicket() throws {
        let store = MemorySessionStore(capacity: 2)
        let ticket = try store.save(Session(identity: Self.alice, issuedAt: 1000, expiresAt: 2000))
        #expect(store.load(Array(ticket.utf8), now: 1500)?.identity == Self.alice)
        #expect(store.table.withLock { $0.sessions.keys.contains(ticket) } == false)  // keyed by the ticket's hash
        store.revoke(Array(ticket.utf8))
        #expect(store.load(Array(ticket.utf8), now: 1500) == nil)
        #expect(store.count() == 0 && store.count(user: Self.alice.id) == 0)
    }

    static func user(_ id: Int64) -> TelegramIdentity {
        TelegramIdentity(id: id, username: nil, name: "User \(id)", photoURL: nil, method: .widget, authTime: 1_700_000_000)
    }

    /// One account replaying its login 10,000 times keeps its 16 newest sessions, and nobody else is locked out.
    @Test func theMemoryStoreKeepsAtMostItsPerUserLimitAndEndsTheOldest() throws {
        let store = MemorySessionStore()
        let now = SystemClock.unixTime()
        let session = Session(identity: Self.alice, issuedAt: now, expiresAt: now + 600)
        let tickets = (0..<10_000).map { _ in store.save(session) }
        #expect(store.count(user: Self.alice.id) == SessionLimits.defaultPerUser && store.count() == SessionLimits.defaultPerUser)
        #expect(tickets.suffix(16).allSatisfy { store.load(Array($0.utf8), now: now) == session })
        #expect(tickets.prefix(10_000 - 16).allSatisfy { store.load(Array($0.utf8), now: now) == nil })
        let bob = Session(identity: Self.user(42), issuedAt: now, expiresAt: now + 600)
        #expect(store.load(Array(store.save(bob).utf8), now: now) == bob)
    }

    /// Full, the memory store ends the oldest session of anyone instead of refusing a login.
    @Test func aFullMemoryStoreEndsTheOldestSessionOverall() throws {
        let store = MemorySessionStore(capacity: 100, perUser: 4)
        let now = SystemClock.unixTime()
        let tickets = (0..<1000).map { i in store.save(Session(identity: Self.user(Int64(i % 300)), issuedAt: now, expiresAt: now + 600)) }
        #expect(store.count() == 100)
        #expect(tickets.suffix(100).allSatisfy { store.load(Array($0.utf8), now: now) != nil })
        #expect(tickets.prefix(900).allSatisfy { store.load(Array($0.utf8), now: now) == nil })
        store.revoke(Array(tickets[999].utf8))
        #expect(store.count() == 99 && store.count(user: 999 % 300) == 0)
    }

    /// A login flow is spent once; a mark ends with its flow; a flood of new flows forgets the oldest first.
    @Test func aFlowIsSpentOnce() throws {
        let marks = SpentMarks(capacity: 3)
        #expect(marks.spend("a", expiresAt: 100, now: 10) && !marks.spend("a", expiresAt: 100, now: 50))
        #expect(marks.spend("a", expiresAt: 200, now: 100))  // expired: a new flow may take the name
        #expect(marks.spend("b", expiresAt: 300, now: 110) && marks.spend("c", expiresAt: 300, now: 110))
        #expect(marks.spend("d", expiresAt: 300, now: 110))  // full: "a" is forgotten
        #expect(!marks.spend("d", expiresAt: 300, now: 120) && !marks.spend("b", expiresAt: 300, now: 120) && marks.spend("a", expiresAt: 300, now: 120))
        let store = CookieSessionStore(sealer: try CookieSealer(secrets: [Self.secret]))
        #expect(store.spend("s", expiresAt: SystemClock.unixTime() + 60) && !store.spend("s", expiresAt: SystemClock.unixTime() + 60))
    }

    @Test func anIdentityRoundTripsThroughJSON() throws {
        let session = Session(identity: Self.alice, issuedAt: 1, expiresAt: 2)
        #expect(try Session(json: Array(session.json.utf8)) == session)
        #expect(throws: TelegramAuthError.self) { try Session(json: Array(#"{"id":1,"method":"sms","auth_time":1,"iat":1,"exp":2}"#.utf8)) }
    }

    @Test func redisSessionsAreSharedRevokedEverywhereAndFailClosed() throws {
        let redis = try RedisServer()
        let one = try RedisSessionStore(url: redis.url), two = try RedisSessionStore(url: redis.url)
        let now = SystemClock.unixTime()
        let session = Session(identity: Self.alice, issuedAt: now, expiresAt: now + 600)
        let ticket = try one.save(session)
        #expect(try two.load(Array(ticket.utf8), now: now) == session)  // another replica reads it
        // Redis holds the ticket's hash with the session's TTL, never the ticket
        let stored: [String] = try one.redis.withConnection { (c) throws(TelegramAuthError) in
            guard case .array(let items) = try one.redis.run(c, ["KEYS", "*"]) else { return [] }
            return items.compactMap(RedisClient.text)
        }
        #expect(stored.sorted() == ["tgauth:session:" + Hex.encode(SHA256Digest.hash(Array(ticket.utf8))), "tgauth:user:279058397"])
        let ttl: Int64 = try one.redis.withConnection { (c) throws(TelegramAuthError) in
            if case .integer(let t) = try one.redis.run(c, ["TTL", stored[0]]) { return t }
            return -1
        }
        #expect(ttl > 590 && ttl <= 600)
        try two.revoke(Array(ticket.utf8))
        #expect(try one.load(Array(ticket.utf8), now: now) == nil)  // revoked on every replica
        // Redis down: reading a session fails (the gateway must refuse), and ping says so; then it recovers
        let again = try one.save(session)
        redis.stop()
        #expect(throws: TelegramAuthError.self) { try one.load(Array(again.utf8), now: now) }
        #expect(throws: TelegramAuthError.self) { try one.ping() }
        try redis.start()
        try one.ping()
        #expect(try one.load(Array(again.utf8), now: now) == nil)  // an empty Redis: the session is gone
        #expect(try one.load(Array(try one.save(session).utf8), now: now) == session)
    }

    /// In Redis too: one user's 10,000 logins leave their 16 newest sessions (keys and index), another user
    /// still logs in, logout takes the session out of the index, and a flow is spent once across replicas.
    @Test func redisKeepsAtMostThePerUserLimitAndSpendsAFlowOnce() throws {
        let redis = try RedisServer()
        let one = try RedisSessionStore(url: redis.url), two = try RedisSessionStore(url: redis.url)
        let now = SystemClock.unixTime()
        let session = Session(identity: Self.alice, issuedAt: now, expiresAt: now + 600)
        var tickets: [String] = []
        for _ in 0..<10_000 { tickets.append(try one.save(session)) }
        let keys: [String] = try one.redis.withConnection { (c) throws(TelegramAuthError) in
            guard case .array(let items) = try one.redis.run(c, ["KEYS", "tgauth:session:*"]) else { return [] }
            return items.compactMap(RedisClient.text)
        }
        #expect(keys.count == SessionLimits.defaultPerUser)
        let indexed: Int64 = try one.redis.withConnection { (c) throws(TelegramAuthError) in
            if case .integer(let n) = try one.redis.run(c, ["ZCARD", "tgauth:user:279058397"]) { return n }
            return -1
        }
        #expect(indexed == Int64(SessionLimits.defaultPerUser))
        for ticket in tickets.suffix(16) { #expect(try two.load(Array(ticket.utf8), now: now) == session) }
        #expect(try two.load(Array(tickets[9983].utf8), now: now) == nil)
        let bob = Session(identity: Self.user(42), issuedAt: now, expiresAt: now + 600)
        #expect(try two.load(Array(try one.save(bob).utf8), now: now) == bob)
        try two.revoke(Array(tickets[9999].utf8))
        let left: Int64 = try one.redis.withConnection { (c) throws(TelegramAuthError) in
            if case .integer(let n) = try one.redis.run(c, ["ZCARD", "tgauth:user:279058397"]) { return n }
            return -1
        }
        #expect(left == 15)
        #expect(try one.spend("flow-state", expiresAt: now + 600) && !(try two.spend("flow-state", expiresAt: now + 600)))
    }
}

extension SessionTests {
    @Test func anAssertionVerifiesWithTgauthsOwnVerifierAndTheGatewaysKeySet() throws {
        let assertion = try IdentityAssertion(secret: Self.secret, issuer: "https://auth.example.com")
        let token = assertion.token(for: Self.alice, now: 1_700_000_000)
        let keys = try JSONWebKeySet(json: Array(assertion.jwks.utf8))
        let verifier = try IDTokenVerifier(clientID: IdentityAssertion.audience, keys: keys, issuer: "https://auth.example.com")
        let verified = try verifier.verify(token, options: ValidationOptions(maxAge: nil, now: 1_700_000_030))
        #expect(verified.telegramID == 279058397 && verified.subject == "279058397" && verified.preferredUsername == "vdkfrost")
        #expect(verified.claims["amr"] == .array([.string("widget")]))
        // a minute later it has expired; another secret's key set does not verify it; the same secret, the same kid
        #expect(throws: TelegramAuthError.self) { try verifier.verify(token, options: ValidationOptions(maxAge: nil, now: 1_700_000_200)) }
        let other = try IdentityAssertion(secret: Self.other, issuer: "https://auth.example.com")
        #expect(throws: TelegramAuthError.self) {
            try IDTokenVerifier(clientID: "tgauth-serve", keys: try JSONWebKeySet(json: Array(other.jwks.utf8)), issuer: "https://auth.example.com")
                .verify(token, options: ValidationOptions(maxAge: nil, now: 1_700_000_030))
        }
        #expect(try IdentityAssertion(secret: Self.secret, issuer: "x").jwks == assertion.jwks)
    }
}
