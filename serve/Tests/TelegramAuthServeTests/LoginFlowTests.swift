import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TelegramAuth
@testable import TelegramAuthServe
@testable import TelegramAuthSession

/// Login CSRF: a widget login completes only in the browser whose login page started it, once, with fresh data;
/// a refused login leaves the browser's existing session as it was.
@Suite struct LoginFlowTests {
    typealias T = ForwardAuthServerTests

    /// The victim, logged in as themself (user 1), opens the attacker's login URL (signed for user 666).
    @Test func aLoginURLMadeForAnotherBrowserIsRefusedAndTheVictimStaysWhoTheyWere() async throws {
        let gateway = try T.server()
        try await Application(router: gateway.router()).test(.router) { client in
            let victim = try #require(T.sessionCookie(try await T.widgetLogin(client, gateway, try T.widgetQuery(id: 1)), gateway.cookieName))
            let attacker = try await T.startWidgetLogin(client, gateway)
            let attackURL = "/tgauth/callback/widget?state=\(attacker.state)&" + (try T.widgetQuery(id: 666))
            // without a flow cookie (the victim never opened the login page)
            let bare = try await client.executeRequest(uri: attackURL, method: .get, headers: [.cookie: victim], body: nil)
            // with the victim's own flow cookie (their login page is open): the state is the attacker's
            let mine = try await T.startWidgetLogin(client, gateway)
            let crossed = try await client.executeRequest(uri: attackURL, method: .get, headers: [.cookie: victim + "; " + mine.cookie], body: nil)
            // with the state in the victim's cookie but no state in the URL
            let stateless = try await client.executeRequest(
                uri: "/tgauth/callback/widget?" + (try T.widgetQuery(id: 666)), method: .get, headers: [.cookie: victim + "; " + mine.cookie], body: nil)
            for refused in [bare, crossed, stateless] {
                #expect(refused.status == .badRequest && T.sessionCookie(refused, gateway.cookieName) == nil)
                #expect(!refused.headers[values: .setCookie].contains { $0.hasPrefix(gateway.cookieName + "=;") })
            }
            let still = try await client.executeRequest(uri: "/tgauth/auth", method: .get, headers: [.cookie: victim], body: nil)
            #expect(still.status == .accepted && still.headers[HTTPField.Name("X-Auth-Request-User")!] == "1")
            // the attacker's own browser may use the URL, once
            let own = try await client.executeRequest(uri: attackURL, method: .get, headers: [.cookie: attacker.cookie], body: nil)
            #expect(own.status == .found && T.sessionCookie(own, gateway.cookieName) != nil)
            let replayed = try await client.executeRequest(uri: attackURL, method: .get, headers: [.cookie: attacker.cookie], body: nil)
            #expect(replayed.status == .badRequest && String(buffer: replayed.body).contains("already used"))
        }
    }

    /// Widget data older than the login window (10 minutes) cannot start a session, though `Authorization`
    /// checks keep their own window (a day); a flow cookie past its 10 minutes is refused too.
    @Test func staleLoginDataIsRefusedWhateverMaxAgeAllows() async throws {
        let gateway = try T.server()
        #expect(gateway.configuration.loginMaxAge == 600 && gateway.configuration.maxAge == 86_400)
        try await Application(router: gateway.router()).test(.router) { client in
            let stale = try await T.widgetLogin(client, gateway, try T.widgetQuery(authDate: T.now - 601))
            #expect(stale.status == .unauthorized && String(buffer: stale.body).contains("expired") && T.sessionCookie(stale, gateway.cookieName) == nil)
            let fresh = try await T.widgetLogin(client, gateway, try T.widgetQuery(authDate: T.now - 599))
            #expect(fresh.status == .found)
            let tma = try await client.executeRequest(
                uri: "/tgauth/auth", method: .get, headers: [.authorization: "tma " + (try T.initData(authDate: T.now - 3600))], body: nil)
            #expect(tma.status == .accepted)
        }
        // the same flow cookie, an hour later
        let flow = try await Application(router: gateway.router()).test(.router) { client in try await T.startWidgetLogin(client, gateway) }
        let later = try ForwardAuthServer(gateway.configuration, clock: { T.now + 3600 })
        try await Application(router: later.router()).test(.router) { client in
            let late = try await client.executeRequest(
                uri: "/tgauth/callback/widget?state=\(flow.state)&" + (try T.widgetQuery(authDate: T.now + 3590)), method: .get,
                headers: [.cookie: flow.cookie], body: nil)
            #expect(late.status == .badRequest)
        }
    }

    /// The state reaches the widget's data-auth-url; the flow cookie is sealed, HttpOnly, and short-lived.
    @Test func theLoginPageStartsAFlow() async throws {
        let gateway = try T.server()
        try await Application(router: gateway.router()).test(.router) { client in
            let page = try await client.executeRequest(uri: "/tgauth/login?rd=%2Fadmin", method: .get, headers: [:], body: nil)
            let html = String(buffer: page.body)
            let setCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("__Host-tgauth-flow=") })
            #expect(setCookie.contains("Max-Age=600") && setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Lax"))
            #expect(html.contains(#"data-auth-url="https://auth.example.com/tgauth/callback/widget?state="#))
            #expect(page.headers[.cacheControl] == "no-store")
            // two loads, two states
            let again = try await T.startWidgetLogin(client, gateway)
            let first = try await T.startWidgetLogin(client, gateway)
            #expect(again.state.count == 64 && again.state != first.state)
            // rd comes from the flow, not from the callback's query
            let (flow, state) = try await T.startWidgetLogin(client, gateway, rd: "/admin")
            let done = try await client.executeRequest(
                uri: "/tgauth/callback/widget?rd=https%3A%2F%2Fapp.example.com%2Fother&state=\(state)&" + (try T.widgetQuery()), method: .get,
                headers: [.cookie: flow], body: nil)
            #expect(done.status == .found && done.headers[.location] == "/admin")
        }
    }
}
