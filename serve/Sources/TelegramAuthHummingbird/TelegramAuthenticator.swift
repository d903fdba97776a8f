import HTTPTypes
import Hummingbird
import HummingbirdAuth
import TelegramAuth
import TelegramAuthSession

/// A Hummingbird 2 authenticator (hummingbird-auth's `AuthenticatorMiddleware`) for Telegram logins: Mini App
/// data (`Authorization: tma <initData>`), an OpenID Connect id_token (`Authorization: Bearer …`), or a
/// session cookie.
///
/// Without credentials it attaches no identity and lets the request go on, so a guard decides (for example
/// hummingbird-auth's `IsAuthenticatedMiddleware`). Credentials that do not verify end the request with 401
/// (`WWW-Authenticate: tma`) naming the error's kind only, the detail going to the request's logger; a
/// session store that cannot be read, or blocking calls that are full or late, end it with 503.
///
/// ```swift
/// let router = Router(context: BasicAuthRequestContext<TelegramIdentity>.self)
/// router.add(middleware: TelegramAuthenticator(TelegramCredentials(miniApp: .botToken(try MiniAppValidator(botToken: token)))))
/// router.group("api").add(middleware: IsAuthenticatedMiddleware()).get("me") { _, context in
///     "\(try context.requireIdentity().id)"
/// }
/// ```
public struct TelegramAuthenticator<Context: AuthRequestContext<TelegramIdentity>>: AuthenticatorMiddleware {
    public typealias Identity = TelegramIdentity
    public let credentials: TelegramCredentials

    public init(_ credentials: TelegramCredentials) { self.credentials = credentials }

    public func authenticate(request: Request, context: Context) async throws -> TelegramIdentity? {
        switch await credentials.identify(request) {
        case .none: return nil
        case .identity(let identity): return identity
        case .refused(let error):
            context.logger.info("credentials refused: \(error.kind.rawValue): \(error.detail)")
            throw Self.unauthorized(error)
        case .unavailable(let error):
            context.logger.error("refusing: \(error.detail)")
            throw HTTPError(.serviceUnavailable, message: "unavailable")
        }
    }

    /// 401 with the challenge and the error's kind (its detail is for the server's log, not the client).
    public static func unauthorized(_ error: TelegramAuthError) -> HTTPError {
        HTTPError(.unauthorized, headers: [.wwwAuthenticate: TelegramCredentials.miniAppScheme], message: error.kind.rawValue)
    }
}
