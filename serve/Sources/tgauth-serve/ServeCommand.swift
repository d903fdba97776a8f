import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import TelegramAuthServe

/// `tgauth-serve`: flags, each also read from the environment (`--bot-id` from `TGAUTH_BOT_ID`, …); secrets
/// from files, never from the command line.
@main
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tgauth-serve",
        abstract: "Telegram login in front of any web app: a forward-auth gateway for nginx, Caddy and Traefik.",
        discussion: "Every option can also be given as an environment variable: TGAUTH_ and its name in capitals with _ for -, e.g. TGAUTH_PUBLIC_URL.")

    @Option(help: "Where to listen, HOST:PORT.") var listen: String?
    @Option(help: "The gateway's URL as browsers reach it, e.g. https://auth.example.com.") var publicURL: String?
    @Option(help: "A file holding the bot token (Login Widget and Mini App data).") var botTokenFile: String?
    @Option(help: "The bot id, for third-party Mini App data only (no bot token).") var botId: Int64?
    @Option(help: "The bot's username, for the Login Widget on the login page.") var botUsername: String?
    @Option(help: "A file of 32 random bytes or more; give it again for older secrets (the first seals, all open).")
    var cookieSecretFile: [String] = []
    @Option(help: "A numeric Telegram id allowed through (repeatable); none: any verified user.") var allowUser: [Int64] = []
    @Option(help: "A file of allowed ids, one per line.") var allowUsersFile: String?
    @Option(help: "A host rd= may send the browser to besides the gateway's own (exact; repeatable).") var redirectHost: [String] = []
    @Option(help: "memory: sessions kept in this process (logout revokes them); default: sealed in the cookie.") var sessionStore: String?
    @Option(help: "A file holding the Redis password (instead of putting it in the URL, where ps shows it).")
    var sessionStorePasswordFile: String?
    @Option(help: "How long a session lasts, e.g. 12h, 30m, 3600 (seconds).") var sessionTtl: String?
    @Option(help: "Sessions one Telegram user may hold with memory or Redis (default 16); a new login ends the oldest.")
    var sessionsPerUser: Int?
    @Option(help: "The OpenID Connect client id (the bot id).") var oidcClientId: String?
    @Option(help: "A file holding the OpenID Connect client secret.") var oidcClientSecretFile: String?
    @Option(help: "The OpenID Connect issuer (default https://oauth.telegram.org).") var oidcIssuer: String?
    @Option(help: "PEM certificates to trust for HTTPS to the issuer instead of the system's.") var caFile: String?
    @Option(help: "The oldest Mini App data (Authorization: tma) accepted, e.g. 1d, 12h.") var maxAge: String?
    @Option(help: "The oldest Login Widget data a login callback accepts (default 10m).") var loginMaxAge: String?
    @Option(help: "Open connections at most (default: the open-file limit less 64); more wait to be accepted.")
    var maxConnections: Int?
    @Flag(help: "Add X-Tgauth-Assertion, a short-lived EdDSA JWT of the identity (key set at /.well-known/tgauth/jwks.json).")
    var assertion = false
    @Flag(help: "Cookies without Secure: only for tests on http://localhost.") var cookieInsecure = false
    @Option(help: "info: one access-log line per request (default); warning: errors and refusals of the store only.")
    var logLevel: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        func value(_ flag: String?, _ name: String) -> String? { flag ?? env["TGAUTH_" + name] }
        func list(_ flags: [String], _ name: String) -> [String] {
            flags.isEmpty ? (env["TGAUTH_" + name].map { $0.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) } } ?? []) : flags
        }
        guard let publicURL = value(publicURL, "PUBLIC_URL") else { throw ValidationError("--public-url is required") }
        let secretFiles = list(cookieSecretFile, "COOKIE_SECRET_FILE")
        guard !secretFiles.isEmpty else { throw ValidationError("--cookie-secret-file is required") }
        var c = ForwardAuthConfiguration(publicURL: publicURL, cookieSecrets: try secretFiles.map { Array(try Self.secret($0, trim: false)) })
        c.botToken = try value(botTokenFile, "BOT_TOKEN_FILE").map { String(decoding: try Self.secret($0, trim: true), as: UTF8.self) }
        c.botID = try value(botId.map(String.init), "BOT_ID").map { guard let id = Int64($0) else { throw ValidationError("--bot-id takes a number") }; return id }
        c.botUsername = value(botUsername, "BOT_USERNAME")?.trimmingCharacters(in: CharacterSet(charactersIn: "@"))
        var allowed = Set<Int64>()
        for id in list(allowUser.map(String.init), "ALLOW_USER") {
            guard let n = Int64(id) else { throw ValidationError("--allow-user takes numeric Telegram ids, not \(id.prefix(40))") }
            allowed.insert(n)
        }
        if let file = value(allowUsersFile, "ALLOW_USERS_FILE") {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(whereSeparator: \.isNewline) {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty, !text.hasPrefix("#") else { continue }
                guard let id = Int64(text) else { throw ValidationError("\(file): \(text.prefix(40)) is not a numeric Telegram id") }
                allowed.insert(id)
            }
        }
        c.allowedUsers = allowed
        c.redirectHosts = list(redirectHost, "REDIRECT_HOST")
        c.sessionStore = value(sessionStore, "SESSION_STORE")
        c.sessionStorePassword = try value(sessionStorePasswordFile, "SESSION_STORE_PASSWORD_FILE").map {
            String(decoding: try Self.secret($0, trim: true), as: UTF8.self)
        }
        if let ttl = value(sessionTtl, "SESSION_TTL") { c.sessionTTL = try Self.duration(ttl, "--session-ttl") }
        if let n = try Self.count(value(sessionsPerUser.map(String.init), "SESSIONS_PER_USER"), "--sessions-per-user") { c.sessionsPerUser = n }
        if let age = value(maxAge, "MAX_AGE") { c.maxAge = try Self.duration(age, "--max-age") }
        if let age = value(loginMaxAge, "LOGIN_MAX_AGE") { c.loginMaxAge = try Self.duration(age, "--login-max-age") }
        c.oidcClientID = value(oidcClientId, "OIDC_CLIENT_ID")
        c.oidcClientSecret = try value(oidcClientSecretFile, "OIDC_CLIENT_SECRET_FILE").map { String(decoding: try Self.secret($0, trim: true), as: UTF8.self) }
        c.oidcIssuer = value(oidcIssuer, "OIDC_ISSUER")
        c.caFile = value(caFile, "CA_FILE")
        c.cookieInsecure = cookieInsecure || env["TGAUTH_COOKIE_INSECURE"] == "1"
        c.assertion = assertion || env["TGAUTH_ASSERTION"] == "1"

        let gateway: ForwardAuthServer
        do { gateway = try ForwardAuthServer(c) } catch { throw ValidationError(error.detail) }
        let (host, port) = try Self.address(value(listen, "LISTEN") ?? "127.0.0.1:4180")
        // every connection is a file descriptor: take all the hard limit allows (systemd gives a soft 1,024), and
        // keep 64 for Redis, HTTPS and logs
        let files = OpenFileLimit.raiseToHard()
        let connections = try Self.count(value(maxConnections.map(String.init), "MAX_CONNECTIONS"), "--max-connections") ?? max(1, files - 64)
        guard connections <= files - 16 else {
            throw ValidationError("--max-connections \(connections) needs more open files than the limit allows (\(files))")
        }
        LoggingSystem.bootstrap(BufferedLogHandler.standardOutput)
        defer { BufferedLogHandler.flush() }
        var logger = Logger(label: "tgauth-serve")
        let level = value(logLevel, "LOG_LEVEL") ?? "info"
        guard let parsed = Logger.Level(rawValue: level) else { throw ValidationError("--log-level takes trace, debug, info, notice, warning, error or critical") }
        logger.logLevel = parsed
        // an idle or slow client is dropped after 30 s; headers over 64 KiB are refused by the decoder (400), and
        // the gateway's own limits below that answer 431 (HeaderLimits)
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .seconds(30),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 64 * 1024, maxHeaderListSize: 64 * 1024, maxHeaderFieldCount: 100))
        let app = Application(
            router: gateway.router(logger: logger), server: .http1(configuration: http1),
            configuration: .init(
                address: .hostname(host, port: port), serverName: nil,
                availableConnectionsDelegate: .maximum(connections, logger: logger)),
            logger: logger)
        try await app.runService()
    }

    /// A secret file's bytes (a trailing newline dropped for text secrets); the message names the file only.
    static func secret(_ path: String, trim: Bool) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        var bytes = [UInt8](data)
        if trim { while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() } }
        return bytes
    }

    /// `90`, `90s`, `30m`, `12h` or `1d`, in seconds.
    static func duration(_ text: String, _ flag: String) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let unit = text.last.flatMap { units[$0] }
        guard let n = Int64(unit == nil ? text : String(text.dropLast())), n > 0 else { throw ValidationError("\(flag) takes a duration like 12h, 30m or 3600") }
        let (product, overflow) = n.multipliedReportingOverflow(by: unit ?? 1)
        guard !overflow else { throw ValidationError("\(flag) is too long") }
        return product
    }

    /// A positive whole number, or nil when not given.
    static func count(_ text: String?, _ flag: String) throws -> Int? {
        guard let text else { return nil }
        guard let n = Int(text), n > 0 else { throw ValidationError("\(flag) takes a positive number") }
        return n
    }

    static func address(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), port > 0, port < 65536 else {
            throw ValidationError("--listen takes HOST:PORT")
        }
        return (String(text[..<colon]), port)
    }
}
