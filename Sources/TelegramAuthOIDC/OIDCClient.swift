import TelegramAuth

/// Log In With Telegram for one client (the bot id): verifies id_tokens with a key set given or fetched, starts
/// logins and exchanges their codes over HTTPS.
///
/// Made once and shared between threads. The building blocks underneath speak no HTTP, for callers who make
/// requests with their own client: `IDTokenVerifier`, `AuthorizationCodeFlow`.
public final class OIDCClient: Sendable {
    public let clientID: String
    public let provider: OIDCProvider
    public let keys: KeySetCache
    let flow: AuthorizationCodeFlow?
    let http: HTTPSClient

    /// - Parameters:
    ///   - clientID: the bot id, as `aud` carries it.
    ///   - clientSecret: for the token request (HTTP Basic); nil for a public client.
    ///   - redirectURI: where the provider sends the user back, as registered; nil when this client only verifies.
    ///   - jwks: the key set, for callers who fetch it themselves (`setKeys` replaces it); nil to fetch it from
    ///     the provider's `jwks_uri` with `http`, first when a verification needs it.
    ///   - provider: Telegram unless a stand-in is given.
    ///   - http: the timeout and CA file of the HTTPS requests.
    public convenience init(
        clientID: String, clientSecret: String? = nil, redirectURI: String? = nil, jwks: JSONWebKeySet? = nil,
        provider: OIDCProvider = .telegram, http: HTTPSClient? = nil
    ) throws(TelegramAuthError) {
        let client: HTTPSClient
        if let http { client = http } else { client = try HTTPSClient() }
        try self.init(
            clientID: clientID, clientSecret: clientSecret, redirectURI: redirectURI,
            keys: jwks.map { KeySetCache(keys: $0) } ?? KeySetCache(url: provider.jwksURI, client: client), provider: provider,
            http: client)
    }

    /// A client whose keys come from `keys` (one cache may serve the clients of several bots).
    public init(
        clientID: String, clientSecret: String? = nil, redirectURI: String? = nil, keys: KeySetCache,
        provider: OIDCProvider = .telegram, http: HTTPSClient
    ) throws(TelegramAuthError) {
        guard !clientID.isEmpty else { throw .invalidArgument("the client id is empty") }
        self.clientID = clientID
        self.provider = provider
        self.http = http
        self.keys = keys
        flow = try redirectURI.map { (uri) throws(TelegramAuthError) in
            try AuthorizationCodeFlow(clientID: clientID, redirectURI: uri, clientSecret: clientSecret, provider: provider)
        }
    }

    /// Replaces the key set (after a rotation). Threads verifying meanwhile use the old set or the new one.
    public func setKeys(_ set: JSONWebKeySet) { keys.replace(with: set) }

    /// Verifies an id_token (`IDTokenVerifier.verify`). With fetched keys, an unknown `kid` fetches the set again
    /// (at once, then at most once a minute) and tries once more.
    /// - Throws: as `IDTokenVerifier.verify`; `network` when no key set could ever be fetched.
    public func verify(
        _ token: String, nonce: String? = nil, options: ValidationOptions = ValidationOptions(maxAge: nil)
    ) throws(TelegramAuthError) -> VerifiedIDToken {
        try verify(bytes: Array(token.utf8), nonce: nonce, options: options)
    }

    /// The same, for the token's bytes.
    public func verify(
        bytes token: [UInt8], nonce: String? = nil, options: ValidationOptions = ValidationOptions(maxAge: nil)
    ) throws(TelegramAuthError) -> VerifiedIDToken {
        let set = try keys.current()
        do {
            return try IDTokenVerifier(clientID: clientID, keys: set, issuer: provider.issuer).verify(bytes: token, nonce: nonce, options: options)
        } catch where error.kind == .unknownKey {
            guard let fresh = keys.refreshForUnknownKey() else {
                guard let failure = keys.lastFailure else { throw error }
                throw TelegramAuthError(.unknownKey, field: error.field, "\(error.detail) (the last fetch failed: \(failure.detail))")
            }
            return try IDTokenVerifier(clientID: clientID, keys: fresh, issuer: provider.issuer).verify(bytes: token, nonce: nonce, options: options)
        }
    }

    /// The flow's builders, for a client made with a redirect URI.
    public func codeFlow() throws(TelegramAuthError) -> AuthorizationCodeFlow {
        guard let flow else { throw .invalidArgument("this client was made without a redirect URI") }
        return flow
    }

    /// Starts a login (`AuthorizationCodeFlow.authorizationRequest`).
    public func authorizationRequest(scopes: [String] = ["openid", "profile"], nonce: Bool = true) throws(TelegramAuthError) -> AuthorizationCodeFlow.Request {
        try codeFlow().authorizationRequest(scopes: scopes, nonce: nonce)
    }

    /// Exchanges the callback's code at the token endpoint over HTTPS, then verifies the id_token it answers
    /// with the request's nonce.
    /// - Throws: `invalid_argument` (as `tokenRequest`); `network` for no answer or an HTTP error without an OAuth
    ///   error; `oauth_error` when the endpoint refused (a used or wrong code, a wrong verifier or secret);
    ///   `malformed`; then as `verify`.
    public func exchange(
        code: String, codeVerifier: String, nonce: String?, options: ValidationOptions = ValidationOptions(maxAge: nil)
    ) throws(TelegramAuthError) -> (response: AuthorizationCodeFlow.TokenResponse, idToken: VerifiedIDToken) {
        let request = try codeFlow().tokenRequest(code: code, codeVerifier: codeVerifier)
        let answer = try http.post(request.url, headers: request.headers, body: request.body)
        let response: AuthorizationCodeFlow.TokenResponse
        do {
            response = try AuthorizationCodeFlow.tokenResponse(answer.body)
        } catch where error.kind == .malformed && answer.status != 200 {
            throw TelegramAuthError(.network, "POST \(HTTPSClient.origin(request.url)): HTTP \(answer.status)")
        }
        return (response, try verify(response.idToken, nonce: nonce, options: options))
    }
}
