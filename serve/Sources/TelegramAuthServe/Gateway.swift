import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import TelegramAuth
import TelegramAuthHummingbird
import TelegramAuthOIDC
import TelegramAuthSession

/// `tgauth-serve`: Telegram login in front of any web app, as a forward-auth endpoint for nginx
/// (`auth_request`), Caddy (`forward_auth`) and Traefik (`ForwardAuth`). Its routes are built on the same
/// `TelegramCredentials` as the Hummingbird middleware.
public final class Gateway: Sendable {
    public typealias Context = BasicAuthRequestContext<TelegramIdentity>

    public let configuration: GatewayConfiguration
    let credentials: TelegramCredentials
    let sessions: any SessionStore
    let sealer: CookieSealer
    let widget: LoginWidgetVerifier?
    let oidc: OIDCClient?
    let redirects: RedirectPolicy
    let assertion: IdentityAssertion?
    let clock: @Sendable () -> Int64

    /// The session cookie's name: `__Host-tgauth` when Secure (bound to this host, path `/`), else `tgauth`.
    public let cookieName: String
    /// The cookie of an OpenID Connect login in progress.
    public let flowCookieName: String
    /// How long an OpenID Connect login may take, in seconds.
    public static let flowTTL: Int64 = 600

    /// - Throws: `invalid_argument` for a configuration that cannot work (the message says which flag).
    public init(_ configuration: GatewayConfiguration, clock: @escaping @Sendable () -> Int64 = { SystemClock.unixTime() }) throws(TelegramAuthError) {
        try configuration.validate()
        self.configuration = configuration
        self.clock = clock
        sealer = try CookieSealer(secrets: configuration.cookieSecrets)
        switch configuration.sessionStore {
        case nil: sessions = CookieSessionStore(sealer: sealer)
        case "memory": sessions = MemorySessionStore()
        case let url?: sessions = try RedisSessionStore(url: url)
        }
        let prefix = configuration.cookieInsecure ? "" : "__Host-"
        cookieName = prefix + "tgauth"
        flowCookieName = prefix + "tgauth-flow"
        let miniApp: MiniAppCheck
        if let token = configuration.botToken {
            miniApp = .botToken(try MiniAppValidator(botToken: token))
            widget = try LoginWidgetVerifier(botToken: token)
        } else {
            miniApp = .thirdParty(try ThirdPartyValidator(botID: configuration.botID ?? 0, environment: .production))
            widget = nil
        }
        if let clientID = configuration.oidcClientID {
            let provider = try configuration.oidcIssuer.map { (i) throws(TelegramAuthError) in try OIDCProvider(issuer: i) } ?? .telegram
            oidc = try OIDCClient(
                clientID: clientID, clientSecret: configuration.oidcClientSecret,
                redirectURI: configuration.publicURL + "/tgauth/callback/oidc", provider: provider,
                http: try HTTPSClient(caFile: configuration.caFile))
        } else {
            oidc = nil
        }
        credentials = TelegramCredentials(miniApp: miniApp, oidc: oidc, sessions: sessions, cookieName: cookieName, maxAge: configuration.maxAge)
        redirects = RedirectPolicy(ownHost: configuration.publicHost, redirectHosts: configuration.redirectHosts)
        assertion = configuration.assertion ? try IdentityAssertion(secret: configuration.cookieSecrets[0], issuer: configuration.publicURL) : nil
    }

    /// Every route of the gateway, with its access log.
    public func router(logger: Logger = Logger(label: "tgauth-serve")) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: AccessLog(logger: logger))
        router.add(middleware: HeaderLimits())
        router.get("/tgauth/auth") { request, context in await self.auth(request, context) }
        router.get("/tgauth/verify") { request, context in await self.verify(request, context) }
        router.get("/tgauth/login") { request, _ in self.loginPage(request) }
        router.get("/tgauth/login/oidc") { request, _ in try self.startOIDC(request) }
        router.get("/tgauth/callback/widget") { request, context in await self.widgetCallback(request, context) }
        router.get("/tgauth/callback/oidc") { request, context in await self.oidcCallback(request, context) }
        router.post("/tgauth/session/miniapp") { request, context in await self.miniAppSession(request, context) }
        router.get("/tgauth/logout") { request, _ in await self.logout(request) }
        router.post("/tgauth/logout") { request, _ in await self.logout(request) }
        router.get("/tgauth/userinfo") { request, _ in await self.userinfo(request) }
        router.get("/ping") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "OK\n"))) }
        router.get("/ready") { _, _ in await self.ready() }
        if let assertion {
            router.get("/.well-known/tgauth/jwks.json") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                         body: .init(byteBuffer: ByteBuffer(string: assertion.jwks)))
            }
        }
        return router
    }

    // MARK: Forward auth

    /// For nginx `auth_request`: 202 with the identity headers, 401 without valid credentials, 403 for a user
    /// not allowed; 503 when the session store cannot be read (nginx shows it as 500). Nothing else.
    func auth(_ request: Request, _ context: Context) async -> Response {
        switch await credentials.identify(request, now: clock()) {
        case .identity(let identity):
            guard isAllowed(identity) else { return Response(status: .forbidden) }
            return Response(status: .accepted, headers: identityHeaders(identity))
        case .none, .refused:
            return Response(status: .unauthorized)
        case .unavailable(let error):
            return unavailable(error, context)
        }
    }

    /// Fail closed: the session store could not be read, so nobody gets in; the log says why.
    func unavailable(_ error: TelegramAuthError, _ context: Context) -> Response {
        context.logger.error("refusing: the session store is unavailable: \(error.detail)")
        return Response(status: .serviceUnavailable)
    }

    /// For Traefik `ForwardAuth` and Caddy `forward_auth`: 200 with the identity headers; without valid
    /// credentials, 401 for XHR or a non-HTML `Accept`, else a redirect to the login page (302 for GET and
    /// HEAD, 303 for other methods) with `rd` the original URL.
    func verify(_ request: Request, _ context: Context) async -> Response {
        switch await credentials.identify(request, now: clock()) {
        case .identity(let identity):
            guard isAllowed(identity) else { return Response(status: .forbidden) }
            return Response(status: .ok, headers: identityHeaders(identity))
        case .unavailable(let error):
            return unavailable(error, context)
        case .none, .refused:
            let accept = request.headers[.accept] ?? ""
            let xhr = request.headers[HeaderNames.requestedWith]?.lowercased() == "xmlhttprequest"
            guard !xhr, accept.contains("text/html") else { return Response(status: .unauthorized) }
            let method = request.headers[HeaderNames.forwardedMethod]?.uppercased() ?? "GET"
            let location = configuration.publicURL + "/tgauth/login?rd=" + Self.queryEncode(originalURL(request))
            return Response.redirect(to: location, type: method == "GET" || method == "HEAD" ? .found : .normal)
        }
    }

    /// The URL the user asked for, from the proxy's `X-Forwarded-Proto`, `-Host` and `-Uri`.
    func originalURL(_ request: Request) -> String {
        guard let host = request.headers[HeaderNames.forwardedHost] else { return "/" }
        let proto = request.headers[HeaderNames.forwardedProto] == "http" ? "http" : "https"
        return "\(proto)://\(host)\(request.headers[HeaderNames.forwardedURI] ?? "/")"
    }

    func isAllowed(_ identity: TelegramIdentity) -> Bool {
        configuration.allowedUsers.isEmpty || configuration.allowedUsers.contains(identity.id)
    }

    /// `X-Auth-Request-User` (the numeric id: authorize by it, never by the username), `-Preferred-Username`,
    /// `-Name` and `-Method`.
    func identityHeaders(_ identity: TelegramIdentity) -> HTTPFields {
        var fields: HTTPFields = [HeaderNames.user: String(identity.id)]
        if let username = identity.username { fields[HeaderNames.preferredUsername] = Self.headerText(username) }
        if let name = identity.name { fields[HeaderNames.name] = Self.headerText(name) }
        fields[HeaderNames.method] = identity.method.rawValue
        if let assertion { fields[HeaderNames.assertion] = assertion.token(for: identity, now: clock()) }
        return fields
    }

    /// A value for a header: control characters (which a name may hold) become spaces.
    static func headerText(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    // MARK: Logging in

    /// The login page: the Login Widget (with a bot token and username) and the OpenID Connect button (when
    /// configured). It allows popups from its opener (Telegram's widget opens one).
    func loginPage(_ request: Request) -> Response {
        let rd = redirects.target(request.uri.queryParameters["rd"].map(String.init))
        let html = LoginPage.html(
            botUsername: widget == nil ? nil : configuration.botUsername,
            widgetCallback: configuration.publicURL + "/tgauth/callback/widget?rd=" + Self.queryEncode(rd),
            oidcStart: oidc == nil ? nil : configuration.publicURL + "/tgauth/login/oidc?rd=" + Self.queryEncode(rd))
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HeaderNames.openerPolicy: "same-origin-allow-popups",
                HeaderNames.frameOptions: "DENY", HeaderNames.referrerPolicy: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The widget's `data-auth-url`: its fields (and our `rd`, which the widget does not sign) in the query.
    func widgetCallback(_ request: Request, _ context: Context) async -> Response {
        guard let widget else { return refusal(.notFound, "this gateway has no bot token, so no Login Widget") }
        let query = request.uri.query ?? ""
        // every field but rd, as sent (percent-encoded), for the library to decode and check
        let signed = query.split(separator: "&", omittingEmptySubsequences: false).filter { !$0.hasPrefix("rd=") && $0 != "rd" }.joined(separator: "&")
        do throws(TelegramAuthError) {
            let data = try widget.verify(bytes: Array(signed.utf8), options: ValidationOptions(maxAge: configuration.maxAge, now: clock()))
            return await startSession(TelegramIdentity(widget: data), rd: request.uri.queryParameters["rd"].map(String.init), context)
        } catch {
            context.logger.info("widget login refused: \(error.kind.rawValue)")
            return refusal(.unauthorized, "the Telegram login could not be verified (\(error.kind.rawValue))")
        }
    }

    /// A Mini App trades `Authorization: tma …` for a session cookie; answers the identity as JSON.
    func miniAppSession(_ request: Request, _ context: Context) async -> Response {
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("tma ") else {
            return refusal(.unauthorized, "send Authorization: tma <initData>")
        }
        switch await credentials.identify(authorization: authorization, now: clock()) {
        case .identity(let identity):
            guard isAllowed(identity) else { return refusal(.forbidden, "this Telegram user is not allowed") }
            var response = Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                                    body: .init(byteBuffer: ByteBuffer(string: JSONValue.serialize(identity.json))))
            guard let cookie = await sessionCookie(identity, context) else { return refusal(.serviceUnavailable, "the session store is unavailable") }
            response.setCookie(cookie)
            return response
        case .refused(let error):
            return refusal(.unauthorized, "\(error.kind.rawValue): \(error.detail)")
        case .none, .unavailable:
            return refusal(.unauthorized, "send Authorization: tma <initData>")
        }
    }

    /// Starts the code flow: state, nonce and PKCE verifier kept in a sealed cookie of this flow (10 minutes),
    /// the browser sent to Telegram.
    func startOIDC(_ request: Request) throws -> Response {
        guard let oidc else { return refusal(.notFound, "OpenID Connect is not configured") }
        let start = try oidc.authorizationRequest(scopes: ["openid", "profile"])
        let rd = redirects.target(request.uri.queryParameters["rd"].map(String.init))
        let flow: JSONValue = .object([
            ("state", .string(start.state)), ("nonce", .string(start.nonce ?? "")), ("verifier", .string(start.codeVerifier)),
            ("rd", .string(rd)), ("exp", .number(String(clock() + Self.flowTTL))),
        ])
        var response = Response.redirect(to: start.url, type: .found)
        response.setCookie(cookie(flowCookieName, sealer.seal(Array(JSONValue.serialize(flow).utf8), purpose: "flow"), maxAge: Int(Self.flowTTL)))
        return response
    }

    /// The code flow's return: the state checked against this flow's cookie (then cleared), the code exchanged,
    /// the id_token verified with the flow's nonce.
    func oidcCallback(_ request: Request, _ context: Context) async -> Response {
        guard let oidc else { return refusal(.notFound, "OpenID Connect is not configured") }
        guard let sealed = request.cookies[flowCookieName]?.value, let plain = sealer.open(Array(sealed.utf8), purpose: "flow"),
            let flow = try? JSONValue.parse(plain), let state = flow["state"]?.stringValue, let verifier = flow["verifier"]?.stringValue,
            let exp = flow["exp"]?.int64Value, exp > clock()
        else { return clearFlow(refusal(.badRequest, "no login was started in this browser, or it took too long")) }
        let given = request.uri.queryParameters["state"].map(String.init) ?? ""
        guard Self.constantTimeEquals(Array(given.utf8), Array(state.utf8)) else {
            return clearFlow(refusal(.badRequest, "the login came back with a state this browser did not start"))
        }
        guard let code = request.uri.queryParameters["code"].map(String.init), !code.isEmpty else {
            return clearFlow(refusal(.unauthorized, "Telegram did not log you in"))
        }
        let nonce = flow["nonce"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        do {
            let token = try await TelegramCredentialsBridge.exchange(oidc, code: code, verifier: verifier, nonce: nonce)
            return clearFlow(await startSession(try TelegramIdentity(idToken: token), rd: flow["rd"]?.stringValue, context))
        } catch let error as TelegramAuthError {
            context.logger.info("OpenID Connect login refused: \(error.kind.rawValue)")
            return clearFlow(refusal(error.kind == .network ? .badGateway : .unauthorized, "the Telegram login could not be completed (\(error.kind.rawValue))"))
        } catch {
            return clearFlow(refusal(.unauthorized, "the Telegram login could not be completed"))
        }
    }

    func clearFlow(_ response: Response) -> Response {
        var response = response
        response.setCookie(cookie(flowCookieName, "", maxAge: 0))
        return response
    }

    /// A new session for `identity`, its cookie set, and the browser sent on to `rd` (checked).
    func startSession(_ identity: TelegramIdentity, rd: String?, _ context: Context) async -> Response {
        guard isAllowed(identity) else { return refusal(.forbidden, "this Telegram user is not allowed") }
        guard let session = await sessionCookie(identity, context) else { return refusal(.serviceUnavailable, "the session store is unavailable") }
        var response = Response.redirect(to: redirects.target(rd), type: .found)
        response.setCookie(session)
        return response
    }

    func sessionCookie(_ identity: TelegramIdentity, _ context: Context) async -> Cookie? {
        let now = clock()
        let session = Session(identity: identity, issuedAt: now, expiresAt: now + configuration.sessionTTL)
        do {
            let save = { @Sendable [sessions] () throws(TelegramAuthError) -> String in try sessions.save(session) }
            let value = sessions.isRemote ? try await TelegramCredentialsBridge.offTheEventLoop(save) : try save()
            return cookie(cookieName, value, maxAge: Int(configuration.sessionTTL))
        } catch {
            context.logger.error("the session could not be saved: \((error as? TelegramAuthError)?.kind.rawValue ?? "error")")
            return nil
        }
    }

    /// `HttpOnly; Secure; SameSite=Lax; Path=/` (Secure left out only with --cookie-insecure).
    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: !configuration.cookieInsecure, httpOnly: true, sameSite: .lax)
    }

    // MARK: Logout, userinfo, health

    /// Clears the cookie (and, with a store that keeps sessions, revokes the session), then goes to `rd`.
    func logout(_ request: Request) async -> Response {
        if let value = request.cookies[cookieName]?.value {
            _ = try? await TelegramCredentialsBridge.offTheEventLoop { () throws(TelegramAuthError) in try self.sessions.revoke(Array(value.utf8)) }
        }
        var response = Response.redirect(to: redirects.target(request.uri.queryParameters["rd"].map(String.init)), type: .found)
        response.setCookie(cookie(cookieName, "", maxAge: 0))
        return response
    }

    /// The session's (or the credentials') identity as JSON; 401 without one.
    func userinfo(_ request: Request) async -> Response {
        guard case .identity(let identity) = await credentials.identify(request, now: clock()) else {
            return refusal(.unauthorized, "not logged in")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValue.serialize(identity.json))))
    }

    /// 200 while the session store answers; 503 while it does not (Redis configured and unreachable).
    func ready() async -> Response {
        do {
            try await TelegramCredentialsBridge.offTheEventLoop { () throws(TelegramAuthError) in try self.sessions.ping() }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
        } catch {
            return refusal(.serviceUnavailable, "the session store does not answer")
        }
    }

    // MARK: Helpers

    /// An error answer: `{"error": status, "detail": …}` (never a secret: details name kinds, not values).
    func refusal(_ status: HTTPResponse.Status, _ detail: String) -> Response {
        let body = JSONValue.serialize(.object([("error", .string(status.reasonPhrase)), ("detail", .string(detail))]))
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if status == .unauthorized { headers[.wwwAuthenticate] = TelegramCredentials.miniAppScheme }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func queryEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

/// Blocking calls (the OpenID Connect exchange, Redis), run off the event loop.
enum TelegramCredentialsBridge {
    static func offTheEventLoop<R: Sendable>(_ body: @escaping @Sendable () throws(TelegramAuthError) -> R) async throws -> R {
        try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async {
                do throws(TelegramAuthError) { done.resume(returning: try body()) } catch { done.resume(throwing: error) }
            }
        }
    }

    static func exchange(_ oidc: OIDCClient, code: String, verifier: String, nonce: String?) async throws -> IDToken {
        try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async {
                do { done.resume(returning: try oidc.exchange(code: code, codeVerifier: verifier, nonce: nonce).idToken.token) } catch {
                    done.resume(throwing: error)
                }
            }
        }
    }
}
