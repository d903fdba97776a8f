import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TelegramAuth
@testable import TelegramAuthHummingbird
@testable import TelegramAuthServe
@testable import TelegramAuthSession

/// Blocking calls (Redis, Telegram) run on a bounded pool of their own: a store that stops answering holds up
/// only the requests that need it, and those get 503 within the store's timeout.
@Suite struct BlockingCallTests {
    static func elapsed<R>(_ body: () async throws -> R) async rethrows -> (R, Duration) {
        let start = ContinuousClock.now
        let result = try await body()
        return (result, ContinuousClock.now - start)
    }

    @Test func aFullPoolRefusesAtOnceAndALateAnswerFails() async throws {
        let store = FrozenStore(sealer: try CookieSealer(secrets: [ForwardAuthServerTests.secret]))
        let pool = BlockingPool(name: "the test store", threads: 2, capacity: 4, timeout: .milliseconds(300))
        try await withThrowingTaskGroup(of: TelegramAuthError?.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do throws(TelegramAuthError) { try await pool.run { () throws(TelegramAuthError) in try store.block() } } catch { return error }
                    return nil
                }
            }
            while pool.inFlight < 4 { try await Task.sleep(for: .milliseconds(2)) }
            // a fifth call is refused before anything answers
            let (refused, took) = await Self.elapsed { () async -> TelegramAuthError? in
                do throws(TelegramAuthError) { try await pool.run { () throws(TelegramAuthError) in try store.block() } } catch { return error }
                return nil
            }
            #expect(refused?.kind == .storeUnavailable && refused?.detail.contains("busy") == true && took < .milliseconds(50))
            for try await error in group { #expect(error?.detail.contains("did not answer within 300 ms") == true) }
        }
        #expect(store.callCount == 2)  // the two queued calls were dropped, not made late
        store.thaw()
        while pool.inFlight > 0 { try await Task.sleep(for: .milliseconds(2)) }
        try await pool.run { () throws(TelegramAuthError) in try store.block() }
    }

    /// 200 requests with junk session tickets against a store that does not answer: `/ping`, a `tma` check on
    /// the same gateway and a cookie check on a cookie-mode gateway in the same process each answer within
    /// 100 ms; the 200 get 503 within the store's timeout (2 s).
    @Test func aFrozenStoreHoldsUpOnlyTheRequestsThatNeedIt() async throws {
        let frozen = FrozenStore(sealer: try CookieSealer(secrets: [ForwardAuthServerTests.secret]))
        defer { frozen.thaw() }
        let gateway = try ForwardAuthServerTests.server(store: frozen)
        let cookieMode = try ForwardAuthServerTests.server()
        try await Application(router: cookieMode.router()).test(.router) { other in
            let session = try #require(ForwardAuthServerTests.sessionCookie(
                try await ForwardAuthServerTests.widgetLogin(other, cookieMode, try ForwardAuthServerTests.widgetQuery()), cookieMode.cookieName))
            try await Application(router: gateway.router()).test(.router) { client in
                try await withThrowingTaskGroup(of: (HTTPResponse.Status, Duration).self) { group in
                    for i in 0..<200 {
                        group.addTask {
                            let (response, took) = try await Self.elapsed {
                                try await client.executeRequest(uri: "/tgauth/auth", method: .get, headers: [.cookie: "__Host-tgauth=junk\(i)"], body: nil)
                            }
                            return (response.status, took)
                        }
                    }
                    while frozen.callCount < 16 { try await Task.sleep(for: .milliseconds(5)) }
                    let (ping, pingTook) = try await Self.elapsed { try await client.executeRequest(uri: "/ping", method: .get, headers: [:], body: nil) }
                    let (tma, tmaTook) = try await Self.elapsed {
                        try await client.executeRequest(uri: "/tgauth/auth", method: .get, headers: [.authorization: "tma " + (try ForwardAuthServerTests.initData())], body: nil)
                    }
                    let (cookie, cookieTook) = try await Self.elapsed {
                        try await other.executeRequest(uri: "/tgauth/auth", method: .get, headers: [.cookie: session], body: nil)
                    }
                    #expect(ping.status == .ok && pingTook < .milliseconds(100))
                    #expect(tma.status == .accepted && tmaTook < .milliseconds(100))
                    #expect(cookie.status == .accepted && cookieTook < .milliseconds(100))
                    var slowest = Duration.zero
                    for try await (status, took) in group {
                        #expect(status == .serviceUnavailable)
                        slowest = max(slowest, took)
                    }
                    #expect(slowest < .milliseconds(2500))
                }
            }
        }
    }

    /// With the store down, logout answers 503 (a page for a browser), clears no cookie, and the session lives
    /// on for the store to end later; a login cannot start a session either.
    @Test func aLogoutThatCannotRevokeSaysSo() async throws {
        let down = DownStore(sealer: try CookieSealer(secrets: [ForwardAuthServerTests.secret]))
        let gateway = try ForwardAuthServerTests.server(store: down)
        let now = ForwardAuthServerTests.now
        let ticket = down.seal(Session(identity: TelegramIdentity(id: 1, username: nil, name: nil, photoURL: nil, method: .widget, authTime: now), issuedAt: now, expiresAt: now + 60))
        try await Application(router: gateway.router()).test(.router) { client in
            let page = try await client.executeRequest(
                uri: "/tgauth/logout?rd=/", method: .get, headers: [.cookie: "__Host-tgauth=" + ticket, .accept: "text/html"], body: nil)
            #expect(page.status == .serviceUnavailable && page.headers[values: .setCookie].isEmpty)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true && String(buffer: page.body).contains("still logged in"))
            let api = try await client.executeRequest(uri: "/tgauth/logout", method: .post, headers: [.cookie: "__Host-tgauth=" + ticket], body: nil)
            #expect(api.status == .serviceUnavailable && api.headers[values: .setCookie].isEmpty && api.headers[.contentType] == "application/json")
            let login = try await ForwardAuthServerTests.widgetLogin(client, gateway, try ForwardAuthServerTests.widgetQuery())
            #expect(login.status == .serviceUnavailable && ForwardAuthServerTests.sessionCookie(login, gateway.cookieName) == nil)
            // without a session cookie there is nothing to revoke: logged out
            #expect(try await client.executeRequest(uri: "/tgauth/logout", method: .get, headers: [:], body: nil).status == .found)
        }
    }
}
