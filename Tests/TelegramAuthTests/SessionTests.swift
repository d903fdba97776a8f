import Testing

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
        #expect(store.sessions.withLock { $0.keys.contains(ticket) } == false)  // keyed by the ticket's hash
        store.revoke(Array(ticket.utf8))
        #expect(store.load(Array(ticket.utf8), now: 1500) == nil)
        let now = SystemClock.unixTime()
        _ = try store.save(Session(identity: Self.alice, issuedAt: now, expiresAt: now + 60))
        _ = try store.save(Session(identity: Self.alice, issuedAt: now, expiresAt: now + 60))
        #expect(throws: TelegramAuthError.self) { try store.save(Session(identity: Self.alice, issuedAt: now, expiresAt: now + 60)) }
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
        #expect(stored == ["tgauth:session:" + Hex.encode(SHA256Digest.hash(Array(ticket.utf8)))])
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
