import TelegramAuth
import TelegramAuthSession

/// What `tgauth-serve` is told at start. Each option is declared once, in `ForwardAuthConfiguration.options`
/// (ServeOptions.swift), whence its flag, its environment variable and its help; secrets come in as the
/// contents of their files, never as values on a command line.
public struct ForwardAuthConfiguration: Sendable {
    /// Where to listen, HOST:PORT.
    public var listen = "127.0.0.1:4180"
    /// The server's URL as browsers reach it (`https://auth.example.com`): the login page, the callbacks and
    /// the redirect targets hang off it.
    public var publicURL: String
    /// For the Login Widget and Mini App data (HMAC); or `botID` for third-party Mini App data only.
    public var botToken: String?
    public var botID: Int64?
    /// The bot's username, for the Login Widget on the login page.
    public var botUsername: String?
    /// 32 random bytes or more each; the first seals new cookies, all open them (rotation).
    public var cookieSecrets: [[UInt8]]
    /// Numeric Telegram ids allowed through; empty: any verified user.
    public var allowedUsers: Set<Int64> = []
    /// Hosts `rd` may name besides the server's own.
    public var redirectHosts: [String] = []
    /// Where sessions live: sealed in the cookie (the default), in this process, or in Redis.
    public var sessionStore = SessionStoreKind.cookie
    public var sessionTTL: Int64 = 12 * 3600
    /// Sessions one Telegram user may hold in `memory` or Redis; a new login ends that user's oldest.
    public var sessionsPerUser = SessionLimits.defaultPerUser
    /// Threads for the session store's blocking calls, and calls queued or running before 503.
    public var storeThreads = 16
    public var storeQueue = 256
    /// OpenID Connect token exchanges in flight at once; more answer 503 at once.
    public var maxTokenExchanges = 16
    public var oidcClientID: String?
    public var oidcClientSecret: String?
    public var oidcIssuer: String?
    public var caFile: String?
    /// The oldest Mini App or widget `auth_date` accepted, in seconds.
    public var maxAge: Int64 = 86_400
    /// The oldest Login Widget `auth_date` a login callback accepts, in seconds: a login is fresh, whatever
    /// `maxAge` allows the `Authorization` checks.
    public var loginMaxAge: Int64 = 600
    /// Adds `X-Tgauth-Assertion`, a short-lived EdDSA JWT of the identity, with its key set at
    /// `/.well-known/tgauth/jwks.json`.
    public var assertion = false
    /// Cookies without `Secure` (and without the `__Host-` prefix): only for http://localhost tests.
    public var cookieInsecure = false
    /// Open connections at most; nil: the open-file limit less 64.
    public var maxConnections: Int?
    /// swift-log's level of the log: info writes one access line per request.
    public var logLevel = "info"

    public init(publicURL: String = "", cookieSecrets: [[UInt8]] = []) {
        self.publicURL = publicURL
        self.cookieSecrets = cookieSecrets
    }

    /// The host of `publicURL`, lowercased, without port.
    var publicHost: String {
        let rest = publicURL.drop { $0 != "/" }.drop { $0 == "/" }
        return String(rest.prefix { $0 != "/" && $0 != ":" }).lowercased()
    }

    /// - Throws: `invalid_argument` naming what is missing or wrong (never a secret's value).
    func validate() throws(TelegramAuthError) {
        guard publicURL.hasPrefix("https://") || (cookieInsecure && publicURL.hasPrefix("http://")), !publicHost.isEmpty,
            !publicURL.contains("@"), !publicURL.contains("?"), !publicURL.hasSuffix("/")
        else {
            throw TelegramAuthError(.invalidArgument, "--public-url must be https://HOST[:PORT][/PATH] without a trailing / (http:// only with --cookie-insecure)")
        }
        guard (botToken == nil) != (botID == nil) else { throw TelegramAuthError(.invalidArgument, "give exactly one of --bot-token-file and --bot-id") }
        guard sessionTTL > 0, maxAge > 0, loginMaxAge > 0 else {
            throw TelegramAuthError(.invalidArgument, "--session-ttl, --max-age and --login-max-age must be positive")
        }
        guard sessionsPerUser > 0, storeThreads > 0, storeQueue > 0, maxTokenExchanges > 0 else {
            throw TelegramAuthError(.invalidArgument, "--sessions-per-user must be positive")
        }
        guard !cookieSecrets.isEmpty else { throw TelegramAuthError(.invalidArgument, "--cookie-secret-file is required") }
        guard (oidcClientID == nil) == (oidcClientSecret == nil) else {
            throw TelegramAuthError(.invalidArgument, "--oidc-client-id and --oidc-client-secret-file go together")
        }
    }
}
