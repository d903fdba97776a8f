import HTTPTypes
import Hummingbird
import TelegramAuth
import TelegramAuthOIDC
import TelegramAuthSession

/// A login in progress, sealed into the flow cookie: which way, its random state (the callback must bring it
/// back, from this browser), where to go after, until when; for OpenID Connect the nonce and PKCE verifier.
struct LoginFlow {
    enum Kind: String { case widget, oidc }
    let kind: Kind
    let state: String
    let rd: String
    let expiresAt: Int64
    var nonce: String? = nil
    var verifier: String? = nil

    var json: String {
        var members: [(String, JSONValue)] = [
            ("kind", .string(kind.rawValue)), ("state", .string(state)), ("rd", .string(rd)), ("exp", .number(String(expiresAt))),
        ]
        if let nonce { members.append(("nonce", .string(nonce))) }
        if let verifier { members.append(("verifier", .string(verifier))) }
        return JSONValue.serialize(.object(members))
    }

    init(kind: Kind, state: String, rd: String, expiresAt: Int64) {
        self.kind = kind
        self.state = state
        self.rd = rd
        self.expiresAt = expiresAt
    }

    init?(json: [UInt8]) {
        guard let value = try? JSONValue.parse(json), let kind = value["kind"]?.stringValue.flatMap(Kind.init(rawValue:)),
            let state = value["state"]?.stringValue, let rd = value["rd"]?.stringValue, let exp = value["exp"]?.int64Value
        else { return nil }
        self.init(kind: kind, state: state, rd: rd, expiresAt: exp)
        nonce = value["nonce"]?.stringValue
        verifier = value["verifier"]?.stringValue
    }

    /// 32 random bytes, hex (the system's CSPRNG: getrandom).
    static func newState() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(rng.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

/// The login page and the two ways back from Telegram. Each login is bound to the browser that started it:
/// the page (or the OpenID Connect start) sets the sealed flow cookie, the callback must bring its state
/// back, and spends it, so a login URL made for another browser, or replayed, is refused.
extension ForwardAuthServer {
    static let flowPurpose = "flow"

    /// The login page: the Login Widget (with a bot token and username) and the OpenID Connect button (when
    /// configured). It allows popups from its opener (Telegram's widget opens one). With a bot token it starts
    /// a widget flow: the state goes into the widget's `data-auth-url`, which Telegram keeps.
    func loginPage(_ request: Request) -> Response {
        let rd = redirects.target(request.uri.queryParameters["rd"].map(String.init))
        var widgetCallback: String?
        var flowCookie: Cookie?
        if widget != nil {
            let flow = LoginFlow(kind: .widget, state: LoginFlow.newState(), rd: rd, expiresAt: clock() + Self.flowTTL)
            widgetCallback = configuration.publicURL + Routes.widgetCallback + "?state=" + flow.state
            flowCookie = sealedFlowCookie(flow)
        }
        let html = LoginPage.html(
            botUsername: widgetCallback == nil ? nil : configuration.botUsername, widgetCallback: widgetCallback ?? "",
            oidcStart: oidc == nil ? nil : configuration.publicURL + Routes.oidcStart + "?rd=" + Self.queryEncode(rd))
        var response = Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", HeaderNames.openerPolicy: "same-origin-allow-popups",
                HeaderNames.frameOptions: "DENY", HeaderNames.referrerPolicy: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
        if let flowCookie { response.setCookie(flowCookie) }
        return response
    }

    /// The widget's `data-auth-url`: its fields and our `state` in the query. The state must be this browser's
    /// flow's; the data at most `loginMaxAge` old; the flow unspent.
    func widgetCallback(_ request: Request, _ context: Context) async -> Response {
        guard let widget else { return refusal(.notFound, "this gateway has no bot token, so no Login Widget") }
        return await withFlow(request, .widget) { flow in
            let query = request.uri.query ?? ""
            // every field but ours, as sent (percent-encoded), for the library to decode and check
            let signed = query.split(separator: "&", omittingEmptySubsequences: false).filter { field in
                !["rd", "state"].contains { field == $0 || field.hasPrefix($0 + "=") }
            }.joined(separator: "&")
            let identity: TelegramIdentity
            do throws(TelegramAuthError) {
                let options = ValidationOptions(maxAge: configuration.loginMaxAge, now: clock())
                identity = TelegramIdentity(widget: try widget.verify(bytes: Array(signed.utf8), options: options))
            } catch {
                context.logger.info("widget login refused: \(error.kind.rawValue)")
                return refusal(.unauthorized, "the Telegram login could not be verified (\(error.kind.rawValue))")
            }
            if let refused = await spend(flow, context) { return refused }
            return await startSession(identity, rd: flow.rd, context)
        }
    }

    /// Starts the code flow: state, nonce and PKCE verifier kept in the sealed flow cookie (10 minutes), the
    /// browser sent to Telegram.
    func startOIDC(_ request: Request) throws -> Response {
        guard let oidc else { return refusal(.notFound, "OpenID Connect is not configured") }
        let start = try oidc.authorizationRequest(scopes: ["openid", "profile"])
        var flow = LoginFlow(
            kind: .oidc, state: start.state, rd: redirects.target(request.uri.queryParameters["rd"].map(String.init)),
            expiresAt: clock() + Self.flowTTL)
        flow.nonce = start.nonce
        flow.verifier = start.codeVerifier
        var response = Response.redirect(to: start.url, type: .found)
        response.setCookie(sealedFlowCookie(flow))
        return response
    }

    /// The code flow's return: the state checked against this browser's flow, the flow spent (whatever the
    /// provider then answers: one token request per flow), the code exchanged on the bounded outbound pool,
    /// the id_token verified with the flow's nonce.
    func oidcCallback(_ request: Request, _ context: Context) async -> Response {
        guard let oidc else { return refusal(.notFound, "OpenID Connect is not configured") }
        return await withFlow(request, .oidc) { flow in
            guard let verifier = flow.verifier else { return refusal(.badRequest, "the login flow is incomplete") }
            guard let code = request.uri.queryParameters["code"].map(String.init), !code.isEmpty else {
                return refusal(.unauthorized, "Telegram did not log you in")
            }
            if let refused = await spend(flow, context) { return refused }
            let nonce = flow.nonce
            do throws(TelegramAuthError) {
                let token = try await outbound.run { () throws(TelegramAuthError) in
                    try oidc.exchange(code: code, codeVerifier: verifier, nonce: nonce).idToken.token
                }
                return await startSession(try TelegramIdentity(idToken: token), rd: flow.rd, context)
            } catch {
                context.logger.info("OpenID Connect login refused: \(error.kind.rawValue): \(error.detail)")
                let status: HTTPResponse.Status =
                    switch error.kind {
                    case .storeUnavailable: .serviceUnavailable
                    case .network: .badGateway
                    default: .unauthorized
                    }
                return refusal(status, "the Telegram login could not be completed (\(error.kind.rawValue))")
            }
        }
    }

    /// Runs a callback for this browser's flow of `kind` (unexpired, its state matching the callback's `state`
    /// in constant time), then clears the flow cookie, whatever the answer.
    func withFlow(_ request: Request, _ kind: LoginFlow.Kind, _ callback: (LoginFlow) async -> Response) async -> Response {
        var response: Response
        if let sealed = request.cookies[flowCookieName]?.value, let plain = sealer.open(Array(sealed.utf8), purpose: Self.flowPurpose),
            let flow = LoginFlow(json: plain), flow.kind == kind, flow.expiresAt > clock()
        {
            let given = request.uri.queryParameters["state"].map(String.init) ?? ""
            if constantTimeEquals(Array(given.utf8), Array(flow.state.utf8)) {
                response = await callback(flow)
            } else {
                response = refusal(.badRequest, "the login came back with a state this browser did not start")
            }
        } else {
            response = refusal(.badRequest, "no login was started in this browser, or it took too long")
        }
        response.setCookie(cookie(flowCookieName, "", maxAge: 0))
        return response
    }

    /// Spends the flow; a refusal when it was spent before or the store cannot say.
    func spend(_ flow: LoginFlow, _ context: Context) async -> Response? {
        do throws(TelegramAuthError) {
            guard try await sessions.spend(flow.state, expiresAt: flow.expiresAt) else {
                context.logger.info("login refused: its flow was used before")
                return refusal(.badRequest, "this login was already used; start again")
            }
            return nil
        } catch {
            context.logger.error("login refused: \(error.detail)")
            return refusal(.serviceUnavailable, "the session store is unavailable")
        }
    }

    func sealedFlowCookie(_ flow: LoginFlow) -> Cookie {
        cookie(flowCookieName, sealer.seal(Array(flow.json.utf8), purpose: Self.flowPurpose), maxAge: Int(Self.flowTTL))
    }
}
