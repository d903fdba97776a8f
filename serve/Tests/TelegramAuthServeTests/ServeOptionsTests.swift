import Foundation
import Testing

@testable import TelegramAuth
@testable import TelegramAuthServe
@testable import TelegramAuthSession

/// Each option of tgauth-serve is declared once: its flag, variable and help come from that declaration.
@Suite struct ServeOptionsTests {
    static func file(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "tgauth-option-\(UUID().uuidString)"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func everyOptionHasOneNameAndItsVariableAndHelpFollow() {
        let names = ForwardAuthConfiguration.options.map(\.name)
        #expect(Set(names).count == names.count)
        for option in ForwardAuthConfiguration.options {
            #expect(option.environment == "TGAUTH_" + option.name.uppercased().replacingOccurrences(of: "-", with: "_"))
            #expect(ForwardAuthConfiguration.help.contains(option.flag) && ForwardAuthConfiguration.help.contains("[\(option.environment)]"))
        }
    }

    @Test func flagsWinOverVariablesAndListsAreCommaSeparated() throws {
        let secret = try Self.file(String(repeating: "s", count: 32)), token = try Self.file("123:abc\n")
        let environment = [
            "TGAUTH_PUBLIC_URL": "https://from-env.example", "TGAUTH_COOKIE_SECRET_FILE": secret, "TGAUTH_ALLOW_USER": "1, 2,3",
            "TGAUTH_BOT_TOKEN_FILE": token, "TGAUTH_SESSION_TTL": "30m", "TGAUTH_ASSERTION": "1",
        ]
        let c = try ForwardAuthConfiguration.parse(
            arguments: ["--public-url", "https://flag.example", "--login-max-age=5m", "--session-store", "memory", "--cookie-insecure"],
            environment: environment)
        #expect(c.publicURL == "https://flag.example" && c.allowedUsers == [1, 2, 3] && c.sessionTTL == 1800 && c.loginMaxAge == 300)
        #expect(c.botToken == "123:abc" && c.cookieSecrets.count == 1 && c.assertion && c.cookieInsecure && c.sessionStore == .memory)
        let redis = try ForwardAuthConfiguration.parse(
            arguments: ["--public-url", "https://x", "--session-store", "redis://127.0.0.1:6379/0", "--session-store-password-file", token],
            environment: [:])
        #expect(redis.sessionStore == .redis(url: "redis://127.0.0.1:6379/0", password: "123:abc"))
    }

    @Test(arguments: [
        (["--nope"], "unknown option --nope"), (["--public-url"], "--public-url takes a value"), (["stray"], "unexpected argument"),
        ([], "--public-url is required"), (["--public-url", "https://x", "--bot-id", "abc"], "--bot-id takes a number"),
        (["--public-url", "https://x", "--session-store", "mysql://x"], "cookie, memory or redis://"),
        (["--public-url", "https://x", "--session-store-password-file", "/dev/null"], "goes with --session-store redis://"),
        (["--public-url", "https://x", "--session-ttl", "forever"], "--session-ttl takes a duration"),
        (["--public-url", "https://x", "--bot-token-file", "/no/such/file"], "cannot read /no/such/file"),
    ])
    func aBadCommandLineIsRefusedNamingTheOption(_ arguments: [String], _ message: String) {
        do {
            _ = try ForwardAuthConfiguration.parse(arguments: arguments, environment: [:])
            Issue.record("\(arguments) was taken")
        } catch {
            #expect(error.kind == .invalidArgument && error.detail.contains(message), "\(error.detail)")
        }
    }
}
