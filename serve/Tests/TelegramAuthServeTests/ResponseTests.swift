import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import Testing

@testable import TelegramAuth
@testable import TelegramAuthHummingbird
@testable import TelegramAuthServe
@testable import TelegramAuthSession

/// What every response carries, and small gaps found by attacking the gateway.
@Suite struct ResponseTests {
    typealias T = ForwardAuthServerTests

    /// `Cache-Control: no-store` on every answer with an identity or a cookie (and on everything else the gateway
    /// says, but its key set); `X-Content-Type-Options: nosniff` on every answer, errors of the router included.
    @Test func noAnswerIsCachedOrSniffed() async throws {
        let gateway = try T.server { $0.assertion = true }
        try await Application(router: gateway.router()).test(.router) { client in
            let login = try await T.widgetLogin(client, gateway, try T.widgetQuery())
            let session = try #require(T.sessionCookie(login, gateway.cookieName))
            let html: HTTPFields = [.accept: "text/html"]
            var answers: [(String, TestResponse)] = [("widget callback 302", login)]
            for (name, uri, headers) in [
                ("auth 202", "/tgauth/auth", [.cookie: session]), ("auth 401", "/tgauth/auth", [:]), ("verify 200", "/tgauth/verify", [.cookie: session]),
                ("verify 302", "/tgauth/verify", html), ("verify 401", "/tgauth/verify", [:]), ("login page", "/tgauth/login", [:]),
                ("userinfo", "/tgauth/userinfo", [.cookie: session]), ("logout 302", "/tgauth/logout", [.cookie: session]), ("ping", "/ping", [:]),
                ("ready", "/ready", [:]), ("unknown 404", "/nothing/here", [:]), ("oidc 404", "/tgauth/login/oidc", [:]),
            ] as [(String, String, HTTPFields)] {
                answers.append((name, try await client.executeRequest(uri: uri, method: .get, headers: headers, body: nil)))
            }
            for (name, response) in answers {
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(name)")
                #expect(response.headers[.cacheControl] == "no-store", "\(name)")
            }
            let keys = try await client.executeRequest(uri: "/.well-known/tgauth/jwks.json", method: .get, headers: [:], body: nil)
            #expect(keys.headers[.cacheControl] == "public, max-age=300" && keys.headers[.xContentTypeOptions] == "nosniff")
            #expect(answers.first { $0.0 == "unknown 404" }?.1.status == .notFound)
        }
    }

    /// `Authorization: Basic` (the app's own API) is not the gateway's: the session cookie still counts.
    @Test func anotherAuthorizationSchemeFallsBackToTheCookie() async throws {
        let gateway = try T.server()
        try await Application(router: gateway.router()).test(.router) { client in
            let session = try #require(T.sessionCookie(try await T.widgetLogin(client, gateway, try T.widgetQuery()), gateway.cookieName))
            for scheme in ["Basic dXNlcjpwYXNz", "Digest username=\"a\"", "Token abc"] {
                let response = try await client.executeRequest(
                    uri: "/tgauth/auth", method: .get, headers: [.authorization: scheme, .cookie: session], body: nil)
                #expect(response.status == .accepted && response.headers[HTTPField.Name("X-Auth-Request-User")!] == "279058397")
            }
            // but a tma or Bearer header that fails is a refusal, whatever the cookie says
            let bad = try await client.executeRequest(uri: "/tgauth/auth", method: .get, headers: [.authorization: "tma a=b", .cookie: session], body: nil)
            #expect(bad.status == .unauthorized)
        }
    }

    /// Every identity header is sent, empty when the user has none, so a proxy copying it replaces the client's.
    @Test func everyIdentityHeaderIsSentEvenEmpty() async throws {
        let gateway = try T.server()
        try await Application(router: gateway.router()).test(.router) { client in
            let data = try TelegramSigning.signInitData(botToken: T.token, fields: [("user", #"{"id":5,"first_name":""}"#)], authDate: T.now - 5)
            let response = try await client.executeRequest(uri: "/tgauth/verify", method: .get, headers: [.authorization: "tma " + data], body: nil)
            #expect(response.status == .ok && response.headers[HTTPField.Name("X-Auth-Request-User")!] == "5")
            #expect(response.headers[HTTPField.Name("X-Auth-Request-Preferred-Username")!] == "")
            #expect(response.headers[HTTPField.Name("X-Auth-Request-Method")!] == "miniapp")
        }
    }

    /// One user's logins keep at most 16 sessions in the memory store; another user still logs in.
    @Test func oneUsersLoginsDoNotFillTheStore() async throws {
        let store = MemorySessionStore(capacity: 64)
        let gateway = try T.server(store: store)
        try await Application(router: gateway.router()).test(.router) { client in
            let query = try T.widgetQuery(id: 7)
            for _ in 0..<200 { #expect(try await T.widgetLogin(client, gateway, query).status == .found) }
            #expect(store.count(user: 7) == 16 && store.count() == 16)
            let other = try await T.widgetLogin(client, gateway, try T.widgetQuery(id: 8))
            #expect(other.status == .found && store.count(user: 8) == 1)
        }
    }

    /// The middleware tells the client the error's kind only; the detail goes to the log.
    @Test func theMiddlewareSendsTheKindNotTheDetail() async throws {
        let credentials = TelegramCredentials(miniApp: .botToken(try MiniAppValidator(botToken: T.token)), maxAge: nil)
        let router = Router(context: BasicAuthRequestContext<TelegramIdentity>.self)
        router.add(middleware: TelegramAuthenticator(credentials))
        router.get("me") { _, context in "\(try context.requireIdentity().id)" }
        try await Application(router: router).test(.router) { client in
            let response = try await client.executeRequest(uri: "/me", method: .get, headers: [.authorization: "tma user=%7B%7D&hash=00"], body: nil)
            let body = String(buffer: response.body)
            #expect(response.status == .unauthorized && body == #"{"error":{"message":"malformed"}}"#)
        }
    }
}
