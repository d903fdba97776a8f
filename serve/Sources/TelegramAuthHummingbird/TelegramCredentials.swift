import HTTPTypes
import Hummingbird
import TelegramAuth
import TelegramAuthOIDC
import TelegramAuthSession

/// How Mini App data (`Authorization: tma <initData>`) is checked: with the bot token (HMAC), or by bot id
/// with Telegram's Ed25519 signature (third-party data).
public enum MiniAppCheck: Sendable {
    case botToken(MiniAppValidator)
    case thirdParty(ThirdPartyValidator)

    func validate(_ data: some Collection<UInt8>, options: ValidationOptions) throws(TelegramAuthError) -> InitData {
        switch self {
        case .botToken(let v): try v.validate(bytes: Array(data), options: options)
        case .thirdParty(let v): try v.validate(bytes: Array(data), options: options)
        }
    }
}

/// The credentials a request may carry, and what they say: `Authorization: tma <initData>`, `Authorization:
/// Bearer <id_token>`, or a session cookie. One value, made at start and shared by every request.
public struct TelegramCredentials: Sendable {
    /// What a request's credentials come to.
    public enum Verdict: Sendable {
        /// No credentials of these kinds.
        case none
        case identity(TelegramIdentity)
        /// Credentials that do not verify (the error says why; its message holds no secret).
        case refused(TelegramAuthError)
        /// The session store cannot be read: refuse, never let the request through (fail closed).
        case unavailable(TelegramAuthError)
    }

    public let miniApp: MiniAppCheck?
    public let oidc: OIDCClient?
    public let sessions: (any SessionStore)?
    /// Where blocking calls run: a remote session store, and an id_token check that may fetch Telegram's keys.
    public let pool: BlockingPool
    public let cookieName: String
    /// The oldest Mini App `auth_date` accepted, in seconds (nil: any).
    public let maxAge: Int64?

    /// - Parameters:
    ///   - miniApp: how `tma` data is checked; nil refuses it.
    ///   - oidc: the client whose id_tokens `Bearer` carries; nil refuses them.
    ///   - sessions: where session cookies are looked up; nil ignores cookies.
    ///   - cookieName: the session cookie's name.
    ///   - maxAge: the oldest Mini App data accepted, in seconds (default a day).
    ///   - pool: the threads for blocking calls (Redis, fetching Telegram's keys); full or late: 503.
    public init(
        miniApp: MiniAppCheck?, oidc: OIDCClient? = nil, sessions: (any SessionStore)? = nil, cookieName: String = "tgauth",
        maxAge: Int64? = ValidationOptions.defaultMaxAge, pool: BlockingPool = .shared
    ) {
        self.miniApp = miniApp
        self.oidc = oidc
        self.sessions = sessions
        self.pool = pool
        self.cookieName = cookieName
        self.maxAge = maxAge
    }

    /// The `Authorization` scheme of Mini App data.
    public static let miniAppScheme = "tma"

    /// What `request` carries: the `Authorization` header first (`tma` or `Bearer`), then the session cookie. A
    /// header of another scheme (`Basic` for the app's own API, say) is not ours, so the cookie still counts.
    public func identify(_ request: Request, now: Int64 = SystemClock.unixTime()) async -> Verdict {
        if let authorization = request.headers[.authorization] {
            let verdict = await identify(authorization: authorization, now: now)
            guard case .none = verdict else { return verdict }
        }
        guard let sessions, let cookie = Self.cookie(cookieName, in: request.headers[values: .cookie]) else { return .none }
        do throws(TelegramAuthError) {
            guard let session = try await AsyncSessionStore(sessions, pool: pool).load(Array(cookie.utf8), now: now) else {
                return .refused(TelegramAuthError(.expired, field: "cookie", "the session has ended or the cookie is not one of ours"))
            }
            return .identity(session.identity)
        } catch {
            return .unavailable(error)
        }
    }

    /// What an `Authorization` value (`tma …` or `Bearer …`) says; another scheme is `.none`.
    public func identify(authorization: String, now: Int64 = SystemClock.unixTime()) async -> Verdict {
        let (scheme, value) = Self.split(authorization)
        do throws(TelegramAuthError) {
            switch scheme.utf8.count <= 6 ? scheme.lowercased() : "" {
            case Self.miniAppScheme:
                guard let miniApp else { throw TelegramAuthError(.invalidArgument, "this server takes no Mini App data") }
                let options = ValidationOptions(maxAge: maxAge, now: now)
                return .identity(try TelegramIdentity(miniApp: try miniApp.validate(value.utf8, options: options)))
            case "bearer":
                guard let oidc else { throw TelegramAuthError(.invalidArgument, "this server takes no id_tokens") }
                let token = String(value)
                // the check may first fetch Telegram's keys over HTTPS
                return .identity(try TelegramIdentity(idToken: try await pool.run { () throws(TelegramAuthError) in
                    try oidc.verify(token, options: ValidationOptions(maxAge: nil, now: now)).token
                }))
            default:
                return .none
            }
        } catch {
            return error.kind == .storeUnavailable ? .unavailable(error) : .refused(error)
        }
    }

    /// The value of cookie `name` in `Cookie` header values (`a=1; b=2`), the first one when it repeats. Read as
    /// bytes: Hummingbird's `request.cookies` walks the header as Characters and builds every cookie, which
    /// was 40% of a cookie-authenticated request's check (perf, make bench-serve).
    static func cookie(_ name: String, in headers: [String]) -> Substring? {
        let semicolon = UInt8(ascii: ";"), space = UInt8(ascii: " "), equals = UInt8(ascii: "=")
        for header in headers {
            var pair = header.utf8[...]
            while !pair.isEmpty {
                let end = pair.firstIndex(of: semicolon) ?? pair.endIndex
                let item = pair[..<end].drop { $0 == space }
                if let eq = item.firstIndex(of: equals), item[..<eq].elementsEqual(name.utf8) {
                    return Substring(item[item.index(after: eq)...])
                }
                pair = end == pair.endIndex ? pair[end...] : pair[pair.index(after: end)...]
            }
        }
        return nil
    }

    /// `scheme value`, the value without surrounding spaces (read as bytes: a header is ASCII framing).
    static func split(_ header: String) -> (scheme: Substring, value: Substring) {
        let utf8 = header.utf8
        let space = UInt8(ascii: " ")
        let start = utf8.firstIndex { $0 != space } ?? utf8.endIndex
        let schemeEnd = utf8[start...].firstIndex(of: space) ?? utf8.endIndex
        let valueStart = utf8[schemeEnd...].firstIndex { $0 != space } ?? utf8.endIndex
        var valueEnd = utf8.endIndex
        while valueEnd > valueStart, utf8[utf8.index(before: valueEnd)] == space { valueEnd = utf8.index(before: valueEnd) }
        return (Substring(utf8[start..<schemeEnd]), Substring(utf8[valueStart..<valueEnd]))
    }
}
