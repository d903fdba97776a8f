import Foundation
import Logging
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import Testing

@testable import TelegramAuth
@testable import TelegramAuthHummingbird
@testable import TelegramAuthOIDC
@testable import TelegramAuthServe
@testable import TelegramAuthSession

/// The gateway's routes through Hummingbird's router test client: forward auth for nginx and for
/// Traefik/Caddy, the Login Widget callback, the Mini App session, logout, userinfo, redirects, cookies.
@Suite struct ForwardAuthServerTests {
    static let token = "123456:serve-test-token"
    static let secret = [UInt8](repeating: 0x5A, count: 32)
    static let now: Int64 = 1_800_000_000

    static func server(store: (any SessionStore)? = nil, _ change: (inout ForwardAuthConfiguration) -> Void = { _ in }) throws -> ForwardAuthServer {
        var c = ForwardAuthConfiguration(publicURL: "https://auth.example.com", cookieSecrets: [secret])
        c.botToken = token
        c.botUsername = "TgAuthBot"
        c.redirectHosts = ["app.example.com"]
        change(&c)
        return try ForwardAuthServer(c, store: store, clock: { now })
    }

    static func widgetQuery(id: Int64 = 279058397, name: String = "Vlad", authDate: Int64 = now - 10) throws -> String {
        let fields = try TelegramSigning.signWidget(
            botToken: token, fields: [("id", String(id)), ("first_name", name), ("username", "vdkfrost")], authDate: authDate)
        return fields.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
    }

    static func initData(id: Int64 = 279058397, authDate: Int64 = now - 10) throws -> String {
        try TelegramSigning.signInitData(
            botToken: token, fields: [("user", #"{"id":\#(id),"first_name":"Mini","username":"mini"}"#), ("query_id", "AAH")],
            authDate: authDate)
    }

    /// What a browser holds after opening the login page: the flow cookie (a Cookie header value) and the
    /// state the page put into the widget's `data-auth-url`.
    static func startWidgetLogin(_ client: some TestClientProtocol, _ gateway: ForwardAuthServer, rd: String = "/") async throws -> (cookie: String, state: String) {
        let response = try await client.executeRequest(uri: "/tgauth/login?rd=" + PercentEncoding.encode(rd), method: .get, headers: [:], body: nil)
        let html = String(buffer: response.body)
        let cookie = try #require(sessionCookie(response, gateway.flowCookieName))
        let start = try #require(html.range(of: "callback/widget?state="))
        return (cookie, String(html[start.upperBound...].prefix { $0.isHexDigit }))
    }

    /// A Login Widget callback from this browser: the login page first, then Telegram's redirect with `query`.
    static func widgetLogin(_ client: some TestClientProtocol, _ gateway: ForwardAuthServer, _ query: String, rd: String = "/", headers: HTTPFields = [:])
        async throws -> TestResponse
    {
        let (flow, state) = try await startWidgetLogin(client, gateway, rd: rd)
        var headers = headers
        headers[.cookie] = [headers[.cookie], flow].compactMap { $0 }.joined(separator: "; ")
        return try await client.executeRequest(uri: "/tgauth/callback/widget?state=\(state)&" + query, method: .get, headers: headers, body: nil)
    }

    /// The session cookie a response sets, as a request's Cookie header value.
    static func sessionCookie(_ response: TestResponse, _ name: String) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(name + "=") && !$0.hasPrefix(name + "=;") }?.split(separator: ";").first.map(String.init)
    }

    @Test func withoutCredentialsAuthIs401AndVerifyRedirectsBrowsersOnly() async throws {
        let gateway = try Self.server()
        try await Application(router: gateway.router()).test(.router) { client in
            try await client.execute(uri: "/tgauth/auth", method: .get) { #expect($0.status == .unauthorized) }
            let forwarded: HTTPFields = [
                HTTPField.Name("X-Forwarded-Method")!: "GET", HTTPField.Name("X-Forwarded-Proto")!: "https",
                HTTPField.Name("X-Forwarded-Host")!: "app.example.com", HTTPField.Name("X-Forwarded-Uri")!: "/admin?x=1",
                .accept: "text/html,application/xhtml+xml",
            ]
            try await client.execute(uri: "/tgauth/verify", method: .get, headers: forwarded) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "https://auth.example.com/tgauth/login?rd=https%3A%2F%2Fapp.example.com%2Fadmin%3Fx%3D1")
            }
            var post = forwarded
            post[HTTPField.Name("X-Forwarded-Method")!] = "POST"
            try await client.execute(uri: "/tgauth/verify", method: .get, headers: post) { #expect($0.status == .seeOther) }
            var xhr = forwarded
            xhr[HTTPField.Name("X-Requested-With")!] = "XMLHttpRequest"
            try await client.execute(uri: "/tgauth/verify", method: .get, headers: xhr) { #expect($0.status == .unauthorized) }
            var api = forwarded
            api[.accept] = "application/json"
            try await client.execute(uri: "/tgauth/verify", method: .get, headers: api) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func aWidgetLoginMakesASessionThatAuthAndVerifyAccept() async throws {
        let gateway = try Self.server()
        try await Application(router: gateway.router()).test(.router) { client in
            let query = try Self.widgetQuery()
            let response = try await Self.widgetLogin(client, gateway, query, rd: "https://app.example.com/admin")
            #expect(response.status == .found && response.headers[.location] == "https://app.example.com/admin")
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("__Host-tgauth=") } ?? ""
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
            #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("__Host-tgauth-flow=;") && $0.contains("Max-Age=0") })
            let cookie = Self.sessionCookie(response, gateway.cookieName)
            let session = try #require(cookie)
            #expect(session.utf8.count < 4096)
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .accepted)
                #expect(response.headers[HTTPField.Name("X-Auth-Request-User")!] == "279058397")
                #expect(response.headers[HTTPField.Name("X-Auth-Request-Preferred-Username")!] == "vdkfrost")
                #expect(response.headers[HTTPField.Name("X-Auth-Request-Name")!] == "Vlad")
                #expect(response.headers[HTTPField.Name("X-Auth-Request-Method")!] == "widget")
            }
            try await client.execute(uri: "/tgauth/verify", method: .get, headers: [.cookie: session]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/tgauth/userinfo", method: .get, headers: [.cookie: session]) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .ok && body.contains(#""id":279058397"#) && body.contains(#""method":"widget""#))
            }
            // a tampered widget callback makes no session; a tampered cookie is refused
            let tampered = try await Self.widgetLogin(client, gateway, query.replacingOccurrences(of: "Vlad", with: "Mallory"))
            #expect(tampered.status == .unauthorized && Self.sessionCookie(tampered, gateway.cookieName) == nil)
            var garbled = Array(session.utf8)
            garbled[garbled.count - 5] ^= 1
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.cookie: String(decoding: garbled, as: UTF8.self)]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.cookie: "__Host-tgauth=" + String(repeating: "A", count: 6000)]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.cookie: "__Host-tgauth=" + String(repeating: "A", count: 20_000)]) {
                #expect($0.status == .requestHeaderFieldsTooLarge)
            }
            var many = HTTPFields()
            for i in 0..<5 { many[HTTPField.Name("X-Pad-\(i)")!] = String(repeating: "p", count: 8000) }
            try await client.execute(uri: "/tgauth/verify", method: .get, headers: many) { #expect($0.status == .requestHeaderFieldsTooLarge) }
        }
    }

    @Test func theAllowListIsByNumericID() async throws {
        let gateway = try Self.server { $0.allowedUsers = [42] }
        try await Application(router: gateway.router()).test(.router) { client in
            #expect(try await Self.widgetLogin(client, gateway, try Self.widgetQuery(id: 279058397)).status == .forbidden)
            let cookie = Self.sessionCookie(try await Self.widgetLogin(client, gateway, try Self.widgetQuery(id: 42)), gateway.cookieName)
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.cookie: try #require(cookie)]) { #expect($0.status == .accepted) }
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.authorization: "tma " + (try Self.initData(id: 7))]) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func miniAppDataIsAcceptedAsAHeaderAndTradedForASession() async throws {
        let gateway = try Self.server()
        try await Application(router: gateway.router()).test(.router) { client in
            let data = try Self.initData()
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.authorization: "tma " + data]) { response in
                #expect(response.status == .accepted && response.headers[HTTPField.Name("X-Auth-Request-Method")!] == "miniapp")
            }
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.authorization: "tma " + data.replacingOccurrences(of: "Mini", with: "Evil")]) {
                #expect($0.status == .unauthorized)
            }
            let cookie = try await client.execute(uri: "/tgauth/session/miniapp", method: .post, headers: [.authorization: "tma " + data]) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains(#""method":"miniapp""#))
                return Self.sessionCookie(response, gateway.cookieName)
            }
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.cookie: try #require(cookie)]) { #expect($0.status == .accepted) }
            try await client.execute(uri: "/tgauth/session/miniapp", method: .post) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func logoutClearsTheCookieAndInMemoryModeRevokesTheSession() async throws {
        let gateway = try Self.server { $0.sessionStore = .memory }
        try await Application(router: gateway.router()).test(.router) { client in
            let cookie = try #require(Self.sessionCookie(try await Self.widgetLogin(client, gateway, try Self.widgetQuery()), gateway.cookieName))
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .accepted) }
            try await client.execute(uri: "/tgauth/logout?rd=%2Fbye", method: .post, headers: [.cookie: cookie]) { response in
                #expect(response.status == .found && response.headers[.location] == "/bye")
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("__Host-tgauth=;") && $0.contains("Max-Age=0") })
            }
            // a copy of the old cookie is refused: the session is gone from the store
            try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .unauthorized) }
        }
    }

    @Test(arguments: [
        "//evil.example", "/\\evil.example", "https://good.example.com.evil", "https://evil.example/?https://app.example.com",
        "https://app.example.com@evil.example", "https://evil.example\\@app.example.com", "javascript:alert(1)", "/%0d%0aSet-Cookie:x",
        "/%2F%2Fevil.example", "https://app.example.com:99999/", "http://[::1]/", "ftp://app.example.com/", " /x", "",
    ])
    func aRedirectOffTheAllowedHostsGoesToTheRoot(_ rd: String) throws {
        let policy = RedirectPolicy(ownHost: "auth.example.com", redirectHosts: ["app.example.com"])
        #expect(policy.target(rd) == "/")
    }

    @Test(arguments: ["/", "/admin?x=1", "https://app.example.com/", "https://APP.example.com:8443/a?b#c", "http://auth.example.com/x"])
    func aRedirectToAnAllowedHostIsFollowed(_ rd: String) {
        #expect(RedirectPolicy(ownHost: "auth.example.com", redirectHosts: ["app.example.com"]).target(rd) == rd)
    }

    @Test func theLoginPageAllowsTelegramsPopupAndEscapesRd() async throws {
        let gateway = try Self.server()
        try await Application(router: gateway.router()).test(.router) { client in
            try await client.execute(uri: "/tgauth/login?rd=%2F%22%3E%3Cscript%3E", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok && response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] == "same-origin-allow-popups")
                #expect(html.contains(#"data-telegram-login="TgAuthBot""#) && !html.contains("<script>"))
            }
        }
    }

    @Test func noSecretReachesAResponse() async throws {
        let gateway = try Self.server()
        try await Application(router: gateway.router()).test(.router) { client in
            for uri in ["/tgauth/auth", "/tgauth/login", "/tgauth/userinfo", "/tgauth/callback/widget?id=1", "/ping", "/ready"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let text = String(buffer: response.body) + "\(response.headers)"
                    #expect(!text.contains("serve-test-token") && !text.contains(String(decoding: Self.secret, as: UTF8.self)))
                }
            }
        }
    }

    @Test func theMiddlewareGuardsAHummingbirdRoute() async throws {
        let credentials = TelegramCredentials(miniApp: .botToken(try MiniAppValidator(botToken: Self.token)), maxAge: nil)
        let router = Router(context: BasicAuthRequestContext<TelegramIdentity>.self)
        router.add(middleware: TelegramAuthenticator(credentials))
        router.group("api").add(middleware: IsAuthenticatedMiddleware()).get("me") { _, context in "\(try context.requireIdentity().id)" }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/me", method: .get) { #expect($0.status == .unauthorized) }
            let data = try Self.initData(authDate: SystemClock.unixTime())  // the middleware reads the system clock
            try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "tma " + data]) { response in
                #expect(response.status == .ok && String(buffer: response.body) == "279058397")
            }
            try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "tma a=b"]) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == "tma")
            }
        }
    }

    @Test func aConfigurationThatCannotWorkIsRefused() {
        #expect(throws: TelegramAuthError.self) { try Self.server { $0.publicURL = "http://auth.example.com" } }
        #expect(throws: TelegramAuthError.self) { try Self.server { $0.botID = 1 } }
        #expect(throws: TelegramAuthError.self) { try Self.server { $0.cookieSecrets = [[1, 2, 3]] } }
        #expect(throws: TelegramAuthError.self) { try Self.server { $0.oidcClientID = "1" } }
    }

    @Test func anAssertionRidesWithTheIdentityAndVerifiesWithTheGatewaysKeySet() async throws {
        let gateway = try Self.server { $0.assertion = true }
        try await Application(router: gateway.router()).test(.router) { client in
            let jwks = try await client.execute(uri: "/.well-known/tgauth/jwks.json", method: .get) { String(buffer: $0.body) }
            let data = try Self.initData()
            let token = try await client.execute(uri: "/tgauth/auth", method: .get, headers: [.authorization: "tma " + data]) {
                $0.headers[HTTPField.Name("X-Tgauth-Assertion")!]
            }
            let verifier = try IDTokenVerifier(
                clientID: IdentityAssertion.audience, keys: try JSONWebKeySet(json: Array(jwks.utf8)), issuer: "https://auth.example.com")
            let verified = try verifier.verify(try #require(token), options: ValidationOptions(maxAge: nil, now: Self.now + 5))
            #expect(verified.telegramID == 279058397 && verified.claims["amr"] == .array([.string("miniapp")]))
        }
        // without --assertion: no header, no key set
        try await Application(router: try Self.server().router()).test(.router) { client in
            try await client.execute(uri: "/.well-known/tgauth/jwks.json", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func theSessionCookieIsFoundAmongOthers() {
        let find = { (headers: [String]) in TelegramCredentials.cookie("__Host-tgauth", in: headers).map(String.init) }
        #expect(find(["a=1; __Host-tgauth=xyz; b=2"]) == "xyz")
        #expect(find(["a=1", "__Host-tgauth=first", "__Host-tgauth=second"]) == "first")
        #expect(find(["x__Host-tgauth=no; __Host-tgauthx=no"]) == nil)
        #expect(find(["__Host-tgauth="]) == "" && find([""]) == nil && find([";;; ;"]) == nil)
        #expect(find(["a=b=c;__Host-tgauth=v=w"]) == "v=w")
    }

    @Test func aBearerIDTokenIsAnIdentityAndAForgedOneIsRefused() async throws {
        let signer = try IDTokenSigner(algorithm: .edDSA, keyID: "k1", seed: [UInt8](repeating: 9, count: 32))
        let oidc = try OIDCClient(clientID: "7342037359", jwks: try JSONWebKeySet(json: Array(#"{"keys":[\#(signer.publicJWK)]}"#.utf8)))
        let credentials = TelegramCredentials(miniApp: nil, oidc: oidc)
        let now = SystemClock.unixTime()
        let token = try signer.sign(claims: #"{"iss":"https://oauth.telegram.org","aud":"7342037359","sub":"s","id":42,"name":"Ann","iat":\#(now),"exp":\#(now + 600)}"#)
        guard case .identity(let identity) = await credentials.identify(authorization: "Bearer " + token) else {
            Issue.record("a signed id_token was not an identity")
            return
        }
        #expect(identity.id == 42 && identity.method == .oidc && identity.name == "Ann")
        var forged = Array(token.utf8)
        forged[forged.count - 10] = forged[forged.count - 10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")  // the signature
        guard case .refused(let error) = await credentials.identify(authorization: "Bearer " + String(decoding: forged, as: UTF8.self)) else {
            Issue.record("a forged id_token was not refused")
            return
        }
        #expect(error.kind == .badSignature || error.kind == .malformed)
        // a scheme this server does not take is no credential at all; tma without a Mini App check is refused
        guard case .none = await credentials.identify(authorization: "Basic dXNlcjpwYXNz") else { Issue.record("Basic was taken"); return }
        guard case .refused = await credentials.identify(authorization: "tma a=b") else { Issue.record("tma was taken"); return }
    }

    @Test func theLogHandlerWritesStreamLogHandlersLinesInBatchesAndWarningsAtOnce() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
        func read() -> String {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = Foundation.read(ends[0], &buffer, buffer.count)
            return n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self) : ""
        }
        let sink = LogSink(fd: ends[1])
        var logger = Logger(label: "tgauth-serve") { BufferedLogHandler(label: $0, sink: sink) }
        logger[metadataKey: "replica"] = "one"
        logger.error("the store is down", source: "access")  // written at once
        let line = read()
        #expect(line.hasSuffix(" error tgauth-serve: [access] the store is down replica=one\n"))
        #expect(line.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "#, options: .regularExpression) != nil)
        logger.info("GET /tgauth/auth 202 user=1 0.1ms", source: "access")
        sink.flush()
        #expect(read().hasSuffix(" info tgauth-serve: [access] GET /tgauth/auth 202 user=1 0.1ms replica=one\n"))
    }
}
