import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth
@testable import TelegramAuthOIDC

/// The key cache's rules, on a fetch and a clock the test controls: max-age, the refetch on an unknown kid,
/// the last good set kept, and the minute between attempts.
@Suite struct KeySetCacheTests {
    /// A scripted key set endpoint: each fetch takes the next answer (a set and its max-age, or a failure).
    final class Endpoint: @unchecked Sendable {
        let state = Locked((now: Int64(1_000_000), fetches: 0, answers: [Result<(String, Int64?), TelegramAuthError>]()))
        var now: Int64 { state.withLock { $0.now } }
        var fetches: Int { state.withLock { $0.fetches } }
        func advance(_ seconds: Int64) { state.withLock { $0.now += seconds } }
        func answer(_ jwks: String, maxAge: Int64? = nil) { state.withLock { $0.answers.append(.success((jwks, maxAge))) } }
        func fail() { state.withLock { $0.answers.append(.failure(TelegramAuthError(.network, "GET https://keys.test/jwks.json: connection refused"))) } }

        var cache: KeySetCache {
            KeySetCache(
                fetch: { () throws(TelegramAuthError) in
                    let next = self.state.withLock { s -> Result<(String, Int64?), TelegramAuthError> in
                        s.fetches += 1
                        return s.answers.isEmpty ? .failure(TelegramAuthError(.network, "no answer scripted")) : s.answers.removeFirst()
                    }
                    let (jwks, maxAge) = try next.get()
                    return (try JSONWebKeySet(json: Array(jwks.utf8)), maxAge)
                },
                clock: { self.now })
        }
    }

    static let full = TestSigner.jwks
    /// The same set without the Ed25519 key ("ed-1").
    static var withoutEd: String {
        let set = try! JSONValue.parse(Array(full.utf8))
        guard case .array(let keys)? = set["keys"] else { fatalError() }
        let kept = keys.filter { $0["kid"]?.stringValue != "ed-1" }
        return JSONValue.serialize(.object([("keys", .array(kept))]))
    }

    @Test func aSetIsKeptForItsMaxAgeAndAnHourWithoutOne() throws {
        let e = Endpoint()
        e.answer(Self.full, maxAge: 300)
        e.answer(Self.full)
        e.answer(Self.full, maxAge: 5)
        e.answer(Self.full)
        let cache = e.cache
        #expect(e.fetches == 0)  // nothing is fetched before a verification needs it
        _ = try cache.current()
        e.advance(299)
        _ = try cache.current()
        #expect(e.fetches == 1)
        e.advance(1)
        _ = try cache.current()
        #expect(e.fetches == 2)  // max-age 300 passed; this answer named none: an hour
        e.advance(3599)
        _ = try cache.current()
        #expect(e.fetches == 2)
        e.advance(1)
        _ = try cache.current()
        #expect(e.fetches == 3)  // max-age 5: kept a minute all the same
        e.advance(59)
        _ = try cache.current()
        #expect(e.fetches == 3)
        e.advance(1)
        _ = try cache.current()
        #expect(e.fetches == 4)
    }

    @Test func aFailedFetchKeepsTheLastGoodSetAndWaitsAMinute() throws {
        let e = Endpoint()
        e.answer(Self.full, maxAge: 60)
        let cache = e.cache
        #expect(try cache.current().keys.count == 4)
        e.advance(60)
        e.fail()
        #expect(try cache.current().keys.count == 4)  // the fetch failed: the last good set
        #expect(e.fetches == 2)
        e.advance(59)
        #expect(try cache.current().keys.count == 4)
        #expect(e.fetches == 2)  // no new attempt within the minute
        e.advance(1)
        e.answer(Self.withoutEd, maxAge: 600)
        #expect(try cache.current().keys.count == 3)
        #expect(e.fetches == 3)
    }

    @Test func withoutAnySetAFailureIsANetworkErrorAndIsNotRetriedAtOnce() {
        let e = Endpoint()
        e.fail()
        let cache = e.cache
        #expect(throws: TelegramAuthError.self) { try cache.current() }
        do { _ = try cache.current() } catch {
            #expect(error.kind == .network && error.detail.contains("connection refused"))
        }
        #expect(e.fetches == 1)
        e.advance(60)
        e.answer(Self.full)
        #expect((try? cache.current())?.keys.count == 4)
    }

    @Test func anUnknownKidFetchesAtOnceThenAtMostOnceAMinute() throws {
        let e = Endpoint()
        e.answer(Self.withoutEd)
        let cache = e.cache
        _ = try cache.current()
        e.answer(Self.full)
        #expect(cache.refreshForUnknownKey()?.keys.count == 4)
        #expect(e.fetches == 2)
        #expect(cache.refreshForUnknownKey() == nil)
        e.advance(59)
        #expect(cache.refreshForUnknownKey() == nil)
        #expect(e.fetches == 2)
        e.advance(1)
        e.answer(Self.full)
        #expect(cache.refreshForUnknownKey() != nil)
        #expect(e.fetches == 3)
        #expect(KeySetCache(keys: try JSONWebKeySet(json: Array(Self.full.utf8))).refreshForUnknownKey() == nil)
    }

    @Test func theClientVerifiesATokenOfARotatedKeyAfterOneRefetch() throws {
        let e = Endpoint()
        e.answer(Self.withoutEd)
        let client = try OIDCClient(clientID: "7342037359", keys: e.cache, http: HTTPSClient())
        let options = ValidationOptions(maxAge: nil, now: OIDCTests.now)
        _ = try client.verify(TestSigner.token(.es256k, claims: OIDCTests.claims), options: options)
        e.answer(Self.full)
        let rotated = try client.verify(TestSigner.token(.edDSA, claims: OIDCTests.claims), options: options)
        #expect(rotated.keyID == "ed-1" && e.fetches == 2)
        // a kid no set has, within the minute: unknown_key, and no fetch
        let unknown = TestSigner.token(.edDSA, claims: OIDCTests.claims, header: #"{"alg":"EdDSA","kid":"ed-9"}"#)
        do {
            _ = try client.verify(unknown, options: options)
            Issue.record("an unknown kid verified")
        } catch {
            #expect(error.kind == .unknownKey)
        }
        #expect(e.fetches == 2)
    }

    @Test func theHTTPSClientRefusesPlainHTTPAndReportsAConnectionFailure() throws {
        let client = try HTTPSClient(timeout: 5)
        #expect(throws: TelegramAuthError.self) { try client.get("http://127.0.0.1:1/jwks.json") }
        do { _ = try client.get("http://127.0.0.1:1/jwks.json") } catch { #expect(error.kind == .invalidArgument) }
        do {
            _ = try client.get("https://127.0.0.1:1/jwks.json?x=secret")
            Issue.record("port 1 answered")
        } catch {
            #expect(error.kind == .network && error.detail.hasPrefix("GET https://127.0.0.1:1/jwks.json: ") && !error.detail.contains("secret"))
        }
        #expect(throws: TelegramAuthError.self) { try HTTPSClient(timeout: 0) }
        #expect(throws: TelegramAuthError.self) { try OIDCProvider(issuer: "https://oauth.telegram.org/") }
        #expect(throws: TelegramAuthError.self) { try OIDCProvider(issuer: "http://oauth.telegram.org") }
        #expect(try OIDCProvider(issuer: "https://127.0.0.1:8443").tokenEndpoint == "https://127.0.0.1:8443/token")
        #expect(OIDCProvider.telegram.jwksURI == "https://oauth.telegram.org/.well-known/jwks.json")
    }

    @Test func urlsWithCredentialsAreRefusedAndNeverNamed() throws {
        for url in ["https://bot:hunter2@keys.test/jwks.json", "https://bot@keys.test", "https://a:b@127.0.0.1:1/x?y=z"] {
            do {
                _ = try HTTPSClient(timeout: 1).get(url)
                Issue.record("\(url) was fetched")
            } catch {
                #expect(error.kind == .invalidArgument && error.detail.contains("credentials") && !error.detail.contains("hunter2"))
            }
        }
        #expect(throws: TelegramAuthError.self) { try OIDCProvider(issuer: "https://bot:hunter2@oauth.example.com") }
        // an @ in the path is not a credential
        #expect(HTTPSClient.origin("https://u:p@keys.test:8443/a@b?q=secret#f") == "https://keys.test:8443/a@b")
        try HTTPSClient.check("https://keys.test/a@b")
    }

    @Test func threadsBeforeTheFirstSetWaitForOneFetch() throws {
        let fetches = Locked(0)
        let cache = KeySetCache(
            fetch: { () throws(TelegramAuthError) in
                fetches.withLock { $0 += 1 }
                usleep(300_000)  // a slow endpoint: every thread arrives while it answers
                return (try JSONWebKeySet(json: Array(Self.full.utf8)), nil)
            },
            clock: { 1_000_000 })
        let got = Locked(0)
        Self.onThreads(16) {
            if (try? cache.current())?.keys.count == 4 { got.withLock { $0 += 1 } }
        }
        #expect(fetches.withLock { $0 } == 1 && got.withLock { $0 } == 16)
    }

    @Test func aWaitForAnotherThreadsFetchIsBoundedAndAFailureIsShared() throws {
        let cache = KeySetCache(
            fetch: { () throws(TelegramAuthError) in
                usleep(400_000)
                throw TelegramAuthError(.network, "connection refused")
            },
            clock: { 1_000_000 }, waitSeconds: 0.1)
        let kinds = Locked([String]())
        Self.onThreads(4) {
            do throws(TelegramAuthError) { _ = try cache.current() } catch { kinds.withLock { $0.append(error.detail) } }
        }
        let seen = kinds.withLock { $0 }
        // one thread fetched and failed; the others gave up after 0.1 s, naming the fetch under way
        #expect(seen.count == 4 && seen.filter { $0 == "connection refused" }.count == 1)
        #expect(seen.filter { $0.contains("still being fetched") }.count == 3)
    }

    /// Runs `body` on `count` threads of their own, all started at once (a pool as wide as the cores would run
    /// them a few at a time), and returns when every one has finished.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) {
        let done = DispatchGroup()
        for _ in 0..<count {
            done.enter()
            Thread {
                body()
                done.leave()
            }.start()
        }
        done.wait()
    }

    @Test func aKeySetIsReadInLinearTimeAndHoldsAtMostAHundredKeys() throws {
        let ed = #"{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"#
        func set(_ n: Int) -> [UInt8] { Array(("{\"keys\":[" + (0..<n).map { ed + "\"k\($0)\"}" }.joined(separator: ",") + "]}").utf8) }
        let hundred = try JSONWebKeySet(json: set(100))
        #expect(hundred.keys.count == 100 && hundred.key(id: "k99")?.keyID == "k99" && hundred.key(id: "k100") == nil)
        // 9,000 keys fit in 1 MiB: refused by their count, after one linear read
        do {
            _ = try JSONWebKeySet(json: set(9_000))
            Issue.record("9,000 keys loaded")
        } catch {
            #expect(error.kind == .invalidArgument && error.detail.contains("9000 keys"))
        }
        // 30,000 do not: refused by their size before they are read
        do {
            _ = try JSONWebKeySet(json: set(30_000))
            Issue.record("30,000 keys loaded")
        } catch {
            #expect(error.kind == .tooLarge)
        }
    }
}
