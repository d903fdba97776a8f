import Foundation
import TelegramAuth
import TelegramAuthSession

/// One option of tgauth-serve, declared once: its name gives the flag (`--name`) and the environment variable
/// (`TGAUTH_NAME`, dashes as underscores); its help is the help's line; `apply` sets the configuration from
/// one value (a flag's is "1").
public struct ServeOption: Sendable {
    public enum Arity: Sendable {
        /// Present or not (`--name`, or `TGAUTH_NAME=1`).
        case flag
        /// One value; the last one given wins.
        case single
        /// Any number of values (`--name A --name B`, or `TGAUTH_NAME=A,B`).
        case repeated
    }

    public static let environmentPrefix = "TGAUTH_"

    public let name: String
    public let arity: Arity
    public let help: String
    /// Throws `TelegramAuthError` (`invalid_argument`) only.
    let apply: @Sendable (inout ForwardAuthConfiguration, String) throws -> Void

    public var flag: String { "--" + name }
    public var environment: String { Self.environmentPrefix + name.uppercased().replacingOccurrences(of: "-", with: "_") }
}

extension ForwardAuthConfiguration {
    /// Every option, in the order they are applied (a store's password after the store).
    public static let options: [ServeOption] = [
        ServeOption(name: "listen", arity: .single, help: "Where to listen, HOST:PORT (default 127.0.0.1:4180).") { $0.listen = $1 },
        ServeOption(name: "public-url", arity: .single, help: "The URL browsers reach the server at, e.g. https://auth.example.com.") {
            $0.publicURL = $1
        },
        ServeOption(name: "bot-token-file", arity: .single, help: "A file holding the bot token (Login Widget and Mini App data).") {
            $0.botToken = try text(SecretFile.read($1))
        },
        ServeOption(name: "bot-id", arity: .single, help: "The bot id, for third-party Mini App data only (no bot token).") {
            $0.botID = try int64($1, "--bot-id takes a number")
        },
        ServeOption(name: "bot-username", arity: .single, help: "The bot's username, for the Login Widget on the login page.") {
            $0.botUsername = String($1.drop { $0 == "@" })
        },
        ServeOption(name: "cookie-secret-file", arity: .repeated,
                    help: "A file of 32 random bytes or more; again for older secrets (the first seals, all open).") {
            $0.cookieSecrets.append(try SecretFile.read($1, trimNewline: false))
        },
        ServeOption(name: "allow-user", arity: .repeated, help: "A numeric Telegram id allowed through; none: any verified user.") {
            $0.allowedUsers.insert(try int64($1, "--allow-user takes numeric Telegram ids, not \($1.prefix(40))"))
        },
        ServeOption(name: "allow-users-file", arity: .single, help: "A file of allowed ids, one per line (# comments).") { c, path in
            for line in text(try SecretFile.read(path)).split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
                let id = line.trimmingCharacters(in: .whitespaces)
                guard !id.isEmpty, !id.hasPrefix("#") else { continue }
                c.allowedUsers.insert(try int64(id, "\(path): \(id.prefix(40)) is not a numeric Telegram id"))
            }
        },
        ServeOption(name: "redirect-host", arity: .repeated, help: "A host rd= may send the browser to besides the server's own.") {
            $0.redirectHosts.append($1)
        },
        ServeOption(name: "session-store", arity: .single,
                    help: "memory (sessions in this process) or redis://HOST[:PORT][/DB]; default: sealed in the cookie.") {
            $0.sessionStore = try SessionStoreKind(parsing: $1)
        },
        ServeOption(name: "session-store-password-file", arity: .single, help: "A file holding the Redis password (not in the URL: ps shows it).") {
            guard case .redis(let url, _) = $0.sessionStore else {
                throw TelegramAuthError(.invalidArgument, "--session-store-password-file goes with --session-store redis://…")
            }
            $0.sessionStore = .redis(url: url, password: text(try SecretFile.read($1)))
        },
        ServeOption(name: "session-ttl", arity: .single, help: "How long a session lasts, e.g. 12h, 30m, 3600 (seconds).") {
            $0.sessionTTL = try duration($1, "--session-ttl")
        },
        ServeOption(name: "sessions-per-user", arity: .single, help: "Sessions one user may hold with memory or Redis (default 16).") {
            $0.sessionsPerUser = Int(try count($1, "--sessions-per-user"))
        },
        ServeOption(name: "max-age", arity: .single, help: "The oldest Mini App data (Authorization: tma) accepted, e.g. 1d, 12h.") {
            $0.maxAge = try duration($1, "--max-age")
        },
        ServeOption(name: "login-max-age", arity: .single, help: "The oldest Login Widget data a login callback accepts (default 10m).") {
            $0.loginMaxAge = try duration($1, "--login-max-age")
        },
        ServeOption(name: "oidc-client-id", arity: .single, help: "The OpenID Connect client id (the bot id).") { $0.oidcClientID = $1 },
        ServeOption(name: "oidc-client-secret-file", arity: .single, help: "A file holding the OpenID Connect client secret.") {
            $0.oidcClientSecret = text(try SecretFile.read($1))
        },
        ServeOption(name: "oidc-issuer", arity: .single, help: "The OpenID Connect issuer (default https://oauth.telegram.org).") {
            $0.oidcIssuer = $1
        },
        ServeOption(name: "ca-file", arity: .single, help: "PEM certificates to trust for HTTPS to the issuer instead of the system's.") {
            $0.caFile = $1
        },
        ServeOption(name: "assertion", arity: .flag,
                    help: "Add X-Tgauth-Assertion, a short-lived EdDSA JWT of the identity (key set at /.well-known/tgauth/jwks.json).") {
            $0.assertion = try flag($1, "--assertion")
        },
        ServeOption(name: "cookie-insecure", arity: .flag, help: "Cookies without Secure: only for tests on http://localhost.") {
            $0.cookieInsecure = try flag($1, "--cookie-insecure")
        },
        ServeOption(name: "max-connections", arity: .single, help: "Open connections at most (default: the open-file limit less 64).") {
            $0.maxConnections = Int(try count($1, "--max-connections"))
        },
        ServeOption(name: "log-level", arity: .single, help: "info: one access line per request (default); warning: errors and refusals only.") {
            $0.logLevel = $1
        },
    ]

    /// The configuration the command line and the environment give: a flag wins over its variable; a repeated
    /// option's variable is comma-separated.
    /// - Throws: `invalid_argument` for an unknown flag, a missing value, or a value an option refuses (the
    ///   message names the option, never a secret).
    public static func parse(arguments: [String], environment: [String: String]) throws(TelegramAuthError) -> ForwardAuthConfiguration {
        var given: [String: [String]] = [:]
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { throw TelegramAuthError(.invalidArgument, "unexpected argument \(argument.prefix(40)) (options start with --)") }
            let (name, inline) = argument.dropFirst(2).firstIndex(of: "=").map { i in
                (String(argument[argument.index(argument.startIndex, offsetBy: 2)..<i]), String(argument[argument.index(after: i)...]))
            } ?? (String(argument.dropFirst(2)), nil)
            guard let option = options.first(where: { $0.name == name }) else { throw TelegramAuthError(.invalidArgument, "unknown option --\(name.prefix(40)) (see --help)") }
            let value: String
            if option.arity == .flag {
                value = inline ?? "1"
            } else if let inline {
                value = inline
            } else if let next = rest.popFirst() {
                value = next
            } else {
                throw TelegramAuthError(.invalidArgument, "\(option.flag) takes a value")
            }
            given[name, default: []].append(value)
        }
        var configuration = ForwardAuthConfiguration()
        for option in options {
            var values = given[option.name] ?? []
            if values.isEmpty, let variable = environment[option.environment] {
                values = option.arity == .repeated
                    ? variable.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } : [variable]
            }
            for value in option.arity == .repeated ? values : Array(values.suffix(1)) {
                do {
                    try option.apply(&configuration, value)
                } catch let error as TelegramAuthError {
                    throw error
                } catch {
                    throw TelegramAuthError(.invalidArgument, "\(option.flag): \(error)")
                }
            }
        }
        guard !configuration.publicURL.isEmpty else { throw TelegramAuthError(.invalidArgument, "--public-url is required") }
        return configuration
    }

    /// The help: every option with its flag, its variable and its line.
    public static var help: String {
        let lines = options.map { option in
            let flag = option.flag + (option.arity == .flag ? "" : " VALUE") + (option.arity == .repeated ? " (repeatable)" : "")
            return "  \(flag)\n      \(option.help) [\(option.environment)]"
        }
        return """
            tgauth-serve: Telegram login in front of any web app, a forward-auth server for nginx, Caddy and Traefik.

            Every option can also come from its environment variable (in brackets); a flag wins over it, and a
            repeatable option's variable is comma-separated.

            """ + lines.joined(separator: "\n") + "\n"
    }
}

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

private func int64(_ text: String, _ message: String) throws(TelegramAuthError) -> Int64 {
    guard let n = Int64(text) else { throw TelegramAuthError(.invalidArgument, message) }
    return n
}

private func count(_ text: String, _ flag: String) throws(TelegramAuthError) -> Int64 {
    guard let n = Int64(text), n > 0, n <= Int64(Int32.max) else { throw TelegramAuthError(.invalidArgument, "\(flag) takes a positive number") }
    return n
}

private func flag(_ text: String, _ flag: String) throws(TelegramAuthError) -> Bool {
    switch text {
    case "1", "true", "yes": return true
    case "0", "false", "no", "": return false
    default: throw TelegramAuthError(.invalidArgument, "\(flag) is a flag: 1 or 0")
    }
}

/// `90`, `90s`, `30m`, `12h` or `1d`, in seconds.
private func duration(_ text: String, _ flag: String) throws(TelegramAuthError) -> Int64 {
    let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    let unit = text.last.flatMap { units[$0] }
    guard let n = Int64(unit == nil ? text : String(text.dropLast())), n > 0 else {
        throw TelegramAuthError(.invalidArgument, "\(flag) takes a duration like 12h, 30m or 3600")
    }
    let (product, overflow) = n.multipliedReportingOverflow(by: unit ?? 1)
    guard !overflow else { throw TelegramAuthError(.invalidArgument, "\(flag) is too long") }
    return product
}
