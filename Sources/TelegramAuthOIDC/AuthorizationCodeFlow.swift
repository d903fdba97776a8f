import COpenSSL
import TelegramAuth

/// The authorization-code flow with PKCE against Telegram's OpenID Connect endpoints: the authorization
/// URL to send the user to, the token request to make with the code, and the reading of its answer.
///
/// Nothing here speaks HTTP: it builds what to send and reads what came back, so any HTTP client can carry
/// it. Secrets (the client secret, the code verifier, tokens) never appear in an error message.
public struct AuthorizationCodeFlow: Sendable {
    public let clientID: String
    public let provider: OIDCProvider
    public let redirectURI: String
    let clientSecret: String?

    /// - Parameters:
    ///   - clientID: the bot id.
    ///   - redirectURI: where Telegram sends the user back, exactly as registered.
    ///   - clientSecret: for the token request's Basic authentication; nil for a public client.
    ///   - provider: Telegram unless a stand-in is given.
    public init(
        clientID: String, redirectURI: String, clientSecret: String? = nil, provider: OIDCProvider = .telegram
    ) throws(TelegramAuthError) {
        guard !clientID.isEmpty, clientID.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidArgument("the client id is the bot id, a string of digits")
        }
        guard redirectURI.hasPrefix("https://") || redirectURI.hasPrefix("http://127.0.0.1") || redirectURI.hasPrefix("http://localhost") else {
            throw .invalidArgument("the redirect URI must be https (or http on loopback, for tests)")
        }
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.clientSecret = clientSecret
        self.provider = provider
    }

    /// One login's authorization request, and what the callback must be checked against.
    public struct Request: Sendable {
        /// Send the user's browser here.
        public let url: String
        /// Compare with the callback's `state` (`AuthorizationCodeFlow.checkState`): it ties the callback to
        /// this browser.
        public let state: String
        /// The id_token must carry it (pass it to `IDTokenVerifier.verify`); nil when not asked for.
        public let nonce: String?
        /// PKCE: kept by the server, sent only with the token request (43 characters, 256 random bits).
        public let codeVerifier: String
    }

    /// `openid` and any of `profile`, `phone`, `telegram:bot_access`.
    public static let scopes: Set<String> = ["openid", "profile", "phone", "telegram:bot_access"]

    /// Starts a login: fresh `state`, `nonce` and code verifier, and the URL with the S256 challenge.
    /// - Throws: `invalid_argument` for a scope Telegram does not define.
    public func authorizationRequest(scopes: [String] = ["openid", "profile"], nonce: Bool = true) throws(TelegramAuthError) -> Request {
        for scope in scopes where !Self.scopes.contains(scope) {
            throw .invalidArgument("unknown scope \(scope); Telegram defines \(Self.scopes.sorted().joined(separator: ", "))")
        }
        let all = scopes.contains("openid") ? scopes : ["openid"] + scopes
        let state = Self.random(bytes: 16), verifier = Self.random(bytes: 32)
        let nonceValue = nonce ? Self.random(bytes: 16) : nil
        var query: [(String, String)] = [
            ("client_id", clientID), ("redirect_uri", redirectURI), ("response_type", "code"),
            ("scope", all.joined(separator: " ")), ("state", state),
            ("code_challenge", Self.challenge(verifier)), ("code_challenge_method", "S256"),
        ]
        if let nonceValue { query.append(("nonce", nonceValue)) }
        return Request(url: provider.authorizationEndpoint + "?" + Self.form(query), state: state, nonce: nonceValue, codeVerifier: verifier)
    }

    /// Whether the callback's `state` is the request's, compared in constant time.
    public static func checkState(_ received: String?, expected: String) -> Bool {
        guard let received else { return false }
        return constantTimeEquals(received.utf8, expected.utf8)
    }

    /// The S256 challenge of a verifier: base64url(SHA-256(verifier)), without padding.
    public static func challenge(_ verifier: String) -> String { Base64URL.encode(SHA256Digest.hash(verifier.utf8)) }

    /// The token request to make with the code: POST `url` with `headers` and the form `body`.
    public struct TokenRequest: Sendable {
        public let url: String
        public let headers: [(String, String)]
        public let body: String
    }

    /// - Throws: `invalid_argument` for an empty code or a verifier that is not 43-128 unreserved characters.
    public func tokenRequest(code: String, codeVerifier: String) throws(TelegramAuthError) -> TokenRequest {
        guard !code.isEmpty else { throw .invalidArgument("the authorization code is empty") }
        guard (43...128).contains(codeVerifier.utf8.count), codeVerifier.utf8.allSatisfy(Self.isUnreserved) else {
            throw .invalidArgument("the code verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~")
        }
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        if let clientSecret {
            headers.append(("Authorization", "Basic " + Self.base64(Array("\(clientID):\(clientSecret)".utf8))))
        }
        let body = Self.form([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("client_id", clientID),
            ("code_verifier", codeVerifier),
        ])
        return TokenRequest(url: provider.tokenEndpoint, headers: headers, body: body)
    }

    /// What the token endpoint answered.
    public struct TokenResponse: Sendable {
        public let idToken: String
        public let accessToken: String?
        public let expiresIn: Int64?
    }

    /// Reads the token endpoint's JSON answer.
    /// - Throws: `oauth_error` with Telegram's `error` (and `error_description`) when it refused;
    ///   `malformed` for anything but a JSON object with an `id_token`.
    public static func tokenResponse(_ body: some Collection<UInt8>) throws(TelegramAuthError) -> TokenResponse {
        let json = try JSONValue.parse(body)
        guard case .object = json else { throw .malformed("the token response is not a JSON object") }
        if let error = json["error"]?.stringValue {
            let description = json["error_description"]?.stringValue.map { ": \($0)" } ?? ""
            throw TelegramAuthError(.oauthError, field: "error", "the token endpoint refused: \(error)\(description)")
        }
        guard let idToken = json["id_token"]?.stringValue else { throw .malformed("the token response has no id_token", field: "id_token") }
        return TokenResponse(idToken: idToken, accessToken: json["access_token"]?.stringValue, expiresIn: json["expires_in"]?.int64Value)
    }

    static func isUnreserved(_ b: UInt8) -> Bool {
        Bytes.isBase64URL(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "~")
    }

    static func random(bytes n: Int) -> String {
        var raw = [UInt8](repeating: 0, count: n)
        let ok = raw.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(n)) } == 1
        precondition(ok, "the system random generator failed")
        return Base64URL.encode(raw)
    }

    static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
    }

    /// Standard base64 with padding (RFC 4648 §4), as HTTP Basic authentication wants.
    static func base64(_ bytes: [UInt8]) -> String {
        var text = Array(Base64URL.encode(bytes).utf8).map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 == UInt8(ascii: "_") ? UInt8(ascii: "/") : $0 }
        while text.count % 4 != 0 { text.append(UInt8(ascii: "=")) }
        return String(decoding: text, as: UTF8.self)
    }
}
