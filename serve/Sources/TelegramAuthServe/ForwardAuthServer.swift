import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import NIOCore
import TelegramAuth
import TelegramAuthHummingbird
import TelegramAuthOIDC
import TelegramAuthSession

/// `tgauth-serve`: Telegram login in front of any web app, as a forward-auth endpoint for nginx
/// (`auth_request`), Caddy (`forward_auth`) and Traefik (`ForwardAuth`). Its routes are built on the same
/// `TelegramCredentials` as the Hummingbird middleware: forward auth in `ForwardAuthRoutes.swift`, logging in
/// in `LoginRoutes.swift`, sessions in `SessionRoutes.swift`.
public final class ForwardAuthServer: Sendable {
    public typealias Context = ForwardAuthRequestContext

    /// Every path the server answers.
    public enum Routes {
        public static let auth = "/tgauth/auth"
        public static let verify = "/tgauth/verify"
        public static let login = "/tgauth/login"
        public static let oidcStart = "/tgauth/login/oidc"
        public static let widgetCallback = "/tgauth/callback/widget"
        public static let oidcCallback = "/tgauth/callback/oidc"
        public static let miniAppSession = "/tgauth/session/miniapp"
        public static let logout = "/tgauth/logout"
        public static let userinfo = "/tgauth/userinfo"
        public static let ping = "/ping"
        public static let ready = "/ready"
        public static let assertionKeys = "/.well-known/tgauth/jwks.json"
    }

    public let configuration: ForwardAuthConfiguration
    let credentials: TelegramCredentials
    let sessions: AsyncSessionStore
    let sealer: CookieSealer
    let widget: LoginWidgetVerifier?
    let oidc: OIDCClient?
    /// The OpenID Connect token exchanges in flight: at most `maxTokenExchanges`, the rest 503 at once.
    let outbound: BlockingPool
    let redirects: RedirectPolicy
    let assertion: IdentityAssertion?
    let clock: @Sendable () -> Int64

    /// The session cookie's name: `__Host-tgauth` when Secure (bound to this host, path `/`), else `tgauth`.
    public let cookieName: String
    /// The cookie of a login in progress (the widget's or OpenID Connect's): its state, sealed.
    public let flowCookieName: String
    /// How long a login may take from the login page to the callback, in seconds.
    public static let flowTTL: Int64 = 600

    /// - Parameters:
    ///   - store: a session store of the embedding server's own, instead of the one the configuration names.
    /// - Throws: `invalid_argument` for a configuration that cannot work (the message says which flag).
    public init(
        _ configuration: ForwardAuthConfiguration, store: (any SessionStore)? = nil,
        clock: @escaping @Sendable () -> Int64 = { SystemClock.unixTime() }
    ) throws(TelegramAuthError) {
        try configuration.validate()
        self.configuration = configuration
        self.clock = clock
        sealer = try CookieSealer(secrets: configuration.cookieSecrets)
        let made: any SessionStore
        if let store { made = store } else { made = try configuration.sessionStore.make(sealer: sealer, perUser: configuration.sessionsPerUser) }
        let store = made
        let storeTimeout = configuration.sessionStore.timeout ?? RedisSessionStore.defaultTimeout
        let storePool = BlockingPool(
            name: "the session store", threads: configuration.storeThreads, capacity: configuration.storeQueue,
            timeout: .milliseconds(Int64(storeTimeout * 1000)))
        sessions = AsyncSessionStore(store, pool: storePool)
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
                redirectURI: configuration.publicURL + Routes.oidcCallback, provider: provider,
                http: try HTTPSClient(caFile: configuration.caFile))
        } else {
            oidc = nil
        }
        // an exchange is a token request, then perhaps the key set: two HTTPS requests at most
        outbound = BlockingPool(
            name: "the OpenID Connect provider", threads: configuration.maxTokenExchanges, capacity: configuration.maxTokenExchanges,
            timeout: .milliseconds(Int64(HTTPSClient.defaultTimeout * 2000) + 1000))
        credentials = TelegramCredentials(
            miniApp: miniApp, oidc: oidc, sessions: store, cookieName: cookieName, maxAge: configuration.maxAge, pool: storePool)
        redirects = RedirectPolicy(ownHost: configuration.publicHost, redirectHosts: configuration.redirectHosts)
        assertion = configuration.assertion ? try IdentityAssertion(secret: configuration.cookieSecrets[0], issuer: configuration.publicURL) : nil
    }

    /// Every route of the gateway, with its access log and its response headers.
    public func router(logger: Logger = Logger(label: "tgauth-serve")) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: AccessLog(logger: logger))
        router.add(middleware: ResponseHygiene())
        router.add(middleware: HeaderLimits())
        router.get(RouterPath(Routes.auth)) { request, context in await self.auth(request, context) }
        router.get(RouterPath(Routes.verify)) { request, context in await self.verify(request, context) }
        router.get(RouterPath(Routes.login)) { request, _ in self.loginPage(request) }
        router.get(RouterPath(Routes.oidcStart)) { request, _ in try self.startOIDC(request) }
        router.get(RouterPath(Routes.widgetCallback)) { request, context in await self.widgetCallback(request, context) }
        router.get(RouterPath(Routes.oidcCallback)) { request, context in await self.oidcCallback(request, context) }
        router.post(RouterPath(Routes.miniAppSession)) { request, context in await self.miniAppSession(request, context) }
        router.get(RouterPath(Routes.logout)) { request, context in await self.logout(request, context) }
        router.post(RouterPath(Routes.logout)) { request, context in await self.logout(request, context) }
        router.get(RouterPath(Routes.userinfo)) { request, _ in await self.userinfo(request) }
        router.get(RouterPath(Routes.ping)) { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "OK\n"))) }
        router.get(RouterPath(Routes.ready)) { _, _ in await self.ready() }
        if let assertion {
            router.get(RouterPath(Routes.assertionKeys)) { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                         body: .init(byteBuffer: ByteBuffer(string: assertion.jwks)))
            }
        }
        return router
    }

    // MARK: Helpers

    func isAllowed(_ identity: TelegramIdentity) -> Bool {
        configuration.allowedUsers.isEmpty || configuration.allowedUsers.contains(identity.id)
    }

    /// An error answer: `{"error": status, "detail": …}` (never a secret: details name kinds, not values).
    func refusal(_ status: HTTPResponse.Status, _ detail: String) -> Response {
        let body = JSONValue.serialize(.object([("error", .string(status.reasonPhrase)), ("detail", .string(detail))]))
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = TelegramCredentials.miniAppScheme }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Fail closed: the session store could not be read (or its calls are full or late), so nobody gets in;
    /// the log says why.
    func unavailable(_ error: TelegramAuthError, _ context: Context) -> Response {
        context.logger.error("refusing: \(error.detail)")
        return Response(status: .serviceUnavailable)
    }

    /// `HttpOnly; Secure; SameSite=Lax; Path=/` (Secure left out only with --cookie-insecure).
    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: !configuration.cookieInsecure, httpOnly: true, sameSite: .lax)
    }

    static func queryEncode(_ s: String) -> String { PercentEncoding.encode(s) }
}
