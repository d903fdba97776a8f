import ArgumentParser
import TelegramAuth
import TelegramAuthOIDC

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exit statuses: 0 verified, 1 rejected data, 2 usage error.
@main
struct TGAuthMain {
    static func main() {
        do {
            var command = try TGAuth.parseAsRoot()
            try command.run()
        } catch let error as TelegramAuthError {
            writeStderr("error: \(error.kind.rawValue): \(error.detail)\n")
            exit(error.kind == .invalidArgument ? 2 : 1)
        } catch let status as ExitCode {
            exit(status.rawValue)
        } catch let error as UsageError {
            writeStderr("error: usage: \(error.message)\n")
            exit(2)
        } catch {
            let code = TGAuth.exitCode(for: error)
            if code == .success {
                TGAuth.exit(withError: error)
            }
            writeStderr(TGAuth.fullMessage(for: error) + "\n")
            exit(2)
        }
    }
}

struct UsageError: Error {
    let message: String
}

func writeStderr(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

struct TGAuth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tgauth",
        abstract: "Verify and sign Telegram login data (Login Widget, Mini App initData, third-party signatures).",
        discussion: """
            Exit status: 0 when the data verifies, 1 when it is rejected (stderr's first line is \
            'error: <kind>: <detail>'), 2 on a usage error. The bot token may be given in TGAUTH_BOT_TOKEN \
            instead of --bot-token, which keeps it out of the process list.
            """,
        version: TelegramAuthVersion.string,
        subcommands: [Verify.self, Sign.self]
    )
}

struct TimeOptions: ParsableArguments {
    @Option(name: .long, help: "Maximum age of auth_date in seconds; 0 turns the check off.")
    var maxAge: Int64 = ValidationOptions.defaultMaxAge

    @Option(name: .long, help: "Unix time to check against instead of the system clock.")
    var now: Int64?

    @Option(name: .long, help: "Longer input is rejected as too_large before any parsing.")
    var maxBytes: Int = ValidationOptions.defaultMaxInputBytes

    func options() throws -> ValidationOptions {
        guard maxAge >= 0 else { throw UsageError(message: "--max-age must not be negative") }
        guard maxBytes > 0 else { throw UsageError(message: "--max-bytes must be positive") }
        return ValidationOptions(maxAge: maxAge == 0 ? nil : maxAge, now: now, maxInputBytes: maxBytes)
    }
}

struct TokenOption: ParsableArguments {
    @Option(name: .long, help: "The bot token (or set TGAUTH_BOT_TOKEN).")
    var botToken: String?

    func resolve() throws -> String {
        if let botToken { return botToken }
        if let env = getenv("TGAUTH_BOT_TOKEN") {
            let value = String(cString: env)
            if !value.isEmpty { return value }
        }
        throw UsageError(message: "a bot token is required: --bot-token or TGAUTH_BOT_TOKEN")
    }
}

/// Reads INPUT, or standard input for `-` or no INPUT, without the line ending a shell adds (or, with
/// `exact`, byte for byte).
func readInput(_ argument: String?, exact: Bool = false) throws -> [UInt8] {
    var bytes: [UInt8]
    if let argument, argument != "-" {
        bytes = Array(argument.utf8)
    } else {
        bytes = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 64 << 20 { throw UsageError(message: "standard input is larger than 64 MiB") }
        }
    }
    while !exact, let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
    return bytes
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify data and print it as one JSON object.",
        subcommands: [VerifyInitData.self, VerifyThirdParty.self, VerifyWidget.self, VerifyIDToken.self, VerifyWebhookSecret.self,
                      VerifyGatewayReport.self]
    )
}

struct VerifyInitData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-data", abstract: "Validate Mini App initData (or 'tma <initData>') with the bot token.")

    @OptionGroup var token: TokenOption
    @OptionGroup var time: TimeOptions
    @Argument(help: "The initData; '-' or nothing reads standard input.")
    var input: String?

    func run() throws {
        let validator = try MiniAppValidator(botToken: token.resolve())
        let data = try validator.validate(bytes: readInput(input), options: time.options())
        print(data.jsonString)
    }
}

struct VerifyThirdParty: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "third-party", abstract: "Validate initData's Ed25519 signature with only the bot id.")

    @Option(name: .long, help: "The bot's numeric id.")
    var botId: Int64

    @Option(name: .long, help: "production or test: which Telegram key to use.")
    var environment: String?

    @Option(name: .long, help: "A 32-byte Ed25519 public key in hex, instead of Telegram's.")
    var publicKey: String?

    @OptionGroup var time: TimeOptions

    @Flag(name: .long, help: """
        Read one initData per line of standard input and print one JSON line for each: the data, or         {"error":kind,"field":…,"detail":…}. Repeated lines are answered from the cache. Exit status 1         when any line is rejected.
        """)
    var eachLine = false

    @Option(name: .long, help: "How many verified results to keep for repeated input (0 turns the cache off).")
    var cacheSize: Int = ThirdPartyValidator.defaultCacheCapacity

    @Argument(help: "The initData; '-' or nothing reads standard input.")
    var input: String?

    func run() throws {
        if eachLine && input != nil && input != "-" {
            throw UsageError(message: "--each-line reads standard input; give no initData argument")
        }
        let key: Ed25519PublicKey
        switch (environment, publicKey) {
        case (.some, .some):
            throw UsageError(message: "give --environment or --public-key, not both")
        case (nil, let hex?):
            key = try Ed25519PublicKey(hex: hex)
        case (let name, nil):
            guard let env = TelegramEnvironment(rawValue: name ?? "production") else {
                throw UsageError(message: "--environment must be production or test")
            }
            key = env.publicKey
        }
        let validator = try ThirdPartyValidator(botID: botId, publicKey: key, cacheCapacity: cacheSize)
        guard eachLine else {
            let data = try validator.validate(bytes: readInput(input), options: time.options())
            print(data.jsonString)
            return
        }
        let options = try time.options()
        var rejected = false
        for line in try readInput(nil).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            do {
                print(try validator.validate(bytes: trimmed, options: options).jsonString)
            } catch {
                rejected = true
                print(error.jsonString)
            }
        }
        if rejected { throw ExitCode(1) }
    }
}

struct VerifyWidget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "widget",
        abstract: "Verify Login Widget data: a query string, a callback URL or the callback's JSON.")

    @OptionGroup var token: TokenOption
    @OptionGroup var time: TimeOptions
    @Argument(help: "The data; '-' or nothing reads standard input.")
    var input: String?

    func run() throws {
        let verifier = try LoginWidgetVerifier(botToken: token.resolve())
        let user = try verifier.verify(bytes: readInput(input), options: time.options())
        print(user.jsonString)
    }
}

struct VerifyWebhookSecret: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook-secret",
        abstract: "Check a webhook request's X-Telegram-Bot-Api-Secret-Token against the secret_token given to setWebhook.",
        discussion: "Exit status: 0 when it is the secret, 1 when it is not (or absent), 2 for a secret setWebhook would refuse.")

    @Option(help: "A file holding the secret_token (a trailing newline is ignored).")
    var secretFile: String
    @Argument(help: "The header's value; '-' or nothing reads standard input (empty: the request had none).")
    var header: String?

    func run() throws {
        let token = try WebhookSecretToken(try readSecret(secretFile))
        var given = try readInput(header)
        while let last = given.last, last == 0x0A || last == 0x0D { given.removeLast() }
        try token.check(header: given.isEmpty ? nil : given)
        print("ok")
    }
}

struct VerifyGatewayReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway-report",
        abstract: "Verify a Telegram Gateway delivery report (the body Telegram posts to a callback_url); print it as JSON.")

    @Option(help: "A file holding the Gateway API token (a trailing newline is ignored).")
    var tokenFile: String
    @Option(help: "The X-Request-Timestamp header.")
    var timestamp: String
    @Option(help: "The X-Request-Signature header.")
    var signature: String
    @Option(help: "The seconds the timestamp may lie before or after now.")
    var maxSkew: Int64 = GatewayReportVerifier.defaultMaxSkew
    @Option(help: "Unix time to check against instead of the system clock.")
    var now: Int64?
    @Argument(help: "The body; '-' or nothing reads standard input, byte for byte.")
    var body: String?

    func run() throws {
        let verifier = try GatewayReportVerifier(apiToken: try readSecret(tokenFile), maxSkew: maxSkew)
        print(try verifier.verify(body: readInput(body, exact: true), timestamp: timestamp, signature: signature, now: now).jsonString)
    }
}

/// Reads a secret from a file, without the line ending an editor leaves.
func readSecret(_ path: String) throws -> [UInt8] {
    do throws(TelegramAuthError) { return try SecretFile.read(path) } catch { throw UsageError(message: error.detail) }
}

/// Reads a whole file (at most 1 MiB).
func readFile(_ path: String) throws -> [UInt8] {
    do throws(TelegramAuthError) { return try SecretFile.contents(path, limit: 1 << 20) } catch { throw UsageError(message: error.detail) }
}

struct VerifyIDToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id-token",
        abstract: "Verify an OpenID Connect id_token of Log In With Telegram; print its claims as JSON.")

    @Option(name: .long, help: "The client id: the bot id, as the token's aud carries it.")
    var clientID: String

    @Option(name: .long, help: "A file with Telegram's key set (as served at https://oauth.telegram.org/.well-known/jwks.json).")
    var jwks: String?

    @Option(name: .long, help: "Fetch the key set from this https:// URL instead (Telegram's: https://oauth.telegram.org/.well-known/jwks.json).")
    var jwksURL: String?

    @Option(name: .long, help: "The issuer the token must name (default https://oauth.telegram.org).")
    var issuer: String?

    @Option(name: .long, help: "PEM certificates to trust for --jwks-url instead of the system's.")
    var caFile: String?

    @Option(name: .long, help: "Seconds the key set fetch may take.")
    var timeout: Double = HTTPSClient.defaultTimeout

    @Option(name: .long, help: "The nonce the authorization request carried; the token must carry it too.")
    var nonce: String?

    @Option(name: .long, help: "Maximum age from iat in seconds; 0 (the default) sets none.")
    var maxAge: Int64 = 0

    @Option(name: .long, help: "Unix time to check against instead of the system clock.")
    var now: Int64?

    @Argument(help: "The id_token; '-' or nothing reads standard input.")
    var input: String?

    func run() throws {
        guard maxAge >= 0 else { throw UsageError(message: "--max-age must not be negative") }
        let keys: JSONWebKeySet
        switch (jwks, jwksURL) {
        case (let file?, nil): keys = try JSONWebKeySet(json: try readFile(file))
        case (nil, let url?): keys = try KeySetCache(url: url, client: try HTTPSClient(timeout: timeout, caFile: caFile)).current()
        default: throw UsageError(message: "give the key set with either --jwks FILE or --jwks-url URL")
        }
        let provider = try issuer.map { (i) throws(TelegramAuthError) in try OIDCProvider(issuer: i) } ?? .telegram
        let verifier = try IDTokenVerifier(clientID: clientID, keys: keys, issuer: provider.issuer)
        let token = String(decoding: try readInput(input), as: UTF8.self)
        let verified = try verifier.verify(token, nonce: nonce, options: ValidationOptions(maxAge: maxAge == 0 ? nil : maxAge, now: now))
        print(JSONValue.serialize(verified.claims))
    }
}

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign data the way Telegram does, for tests and fixtures.",
        subcommands: [SignInitData.self, SignWidget.self, SignIDToken.self, SignGatewayReport.self]
    )
}

struct SignGatewayReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway-report", abstract: "Print the X-Request-Signature Telegram sends with a Gateway report.")

    @Option(help: "A file holding the Gateway API token (a trailing newline is ignored).")
    var tokenFile: String
    @Option(help: "The X-Request-Timestamp header (default: now).")
    var timestamp: String?
    @Argument(help: "The body; '-' or nothing reads standard input, byte for byte.")
    var body: String?

    func run() throws {
        let stamp = timestamp ?? String(SystemClock.unixTime())
        print(try GatewayReportVerifier(apiToken: try readSecret(tokenFile)).signature(timestamp: stamp, body: readInput(body, exact: true)))
    }
}

func parsePairs(_ arguments: [String]) throws -> [(String, String)] {
    try arguments.map { argument in
        guard let eq = argument.firstIndex(of: "=") else {
            throw UsageError(message: "'\(argument)' is not key=value")
        }
        return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
    }
}

struct SignInitData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-data", abstract: "Print signed Mini App initData.")

    @OptionGroup var token: TokenOption
    @Option(name: .long, help: "The auth_date to sign, Unix time.")
    var authDate: Int64
    @Option(name: .long, help: "A 32-byte Ed25519 private key seed in hex; adds a third-party signature.")
    var ed25519PrivateKey: String?
    @Option(name: .long, help: "The bot id the Ed25519 signature covers.")
    var botId: Int64?
    @Argument(help: "Fields as key=value, e.g. user='{\"id\":1,\"first_name\":\"A\"}'.")
    var fields: [String] = []

    func run() throws {
        let key = try ed25519PrivateKey.map { (hex) throws(TelegramAuthError) in try Ed25519PrivateKey(hex: hex) }
        if key != nil && botId == nil { throw UsageError(message: "--ed25519-private-key needs --bot-id") }
        print(try TelegramSigning.signInitData(
            botToken: token.resolve(), fields: parsePairs(fields), authDate: authDate,
            ed25519PrivateKey: key, botID: botId))
    }
}

struct SignWidget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "widget", abstract: "Print signed Login Widget data as a query string, or JSON with --json.")

    @OptionGroup var token: TokenOption
    @Option(name: .long, help: "The auth_date to sign, Unix time.")
    var authDate: Int64
    @Flag(name: .long, help: "Print the JavaScript callback's JSON object instead of a query string.")
    var json = false
    @Argument(help: "Fields as key=value, e.g. id=42 first_name=John.")
    var fields: [String] = []

    func run() throws {
        let signed = try TelegramSigning.signWidget(
            botToken: token.resolve(), fields: parsePairs(fields), authDate: authDate)
        if json {
            print(TelegramSigning.widgetJSON(signed))
        } else {
            print(signed.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&"))
        }
    }
}

struct SignIDToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id-token",
        abstract: "Sign an id_token for your own tests, with a key of any of the four kinds; or print its key set.")

    @Option(name: .long, help: "RS256, ES256, EdDSA or ES256K.")
    var alg: String

    @Option(name: .long, help: "The key id put in the header and the key set.")
    var kid: String = "test-1"

    @Option(name: .long, help: "RS256 and ES256: a PEM private key file.")
    var key: String?

    @Option(name: .long, help: "EdDSA and ES256K: the 32-byte secret in hex.")
    var seed: String?

    @Flag(name: .long, help: "Print the public key set ({\"keys\":[...]}) instead of a token.")
    var jwks = false

    @Argument(help: "The claims, a JSON object (not needed with --jwks).")
    var claims: String?

    func run() throws {
        guard let algorithm = JWSAlgorithm(rawValue: alg) else {
            throw UsageError(message: "--alg is one of \(JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let signer: IDTokenSigner
        switch (key, seed) {
        case (let path?, nil): signer = try IDTokenSigner(algorithm: algorithm, keyID: kid, privateKeyPEM: try readFile(path))
        case (nil, let hex?):
            guard let raw = Hex.decode(hex.utf8) else { throw UsageError(message: "--seed is 64 hexadecimal digits") }
            signer = try IDTokenSigner(algorithm: algorithm, keyID: kid, seed: raw)
        default: throw UsageError(message: "give --key FILE (RS256, ES256) or --seed HEX (EdDSA, ES256K)")
        }
        if jwks {
            print(#"{"keys":[\#(signer.publicJWK)]}"#)
            return
        }
        guard let claims else { throw UsageError(message: "give the claims as a JSON object") }
        print(try signer.sign(claims: claims))
    }
}
