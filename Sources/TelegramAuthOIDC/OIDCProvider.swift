import TelegramAuth

/// Where an OpenID Connect provider answers: Telegram's, or a stand-in (a simulator in tests).
///
/// Every endpoint derives from the issuer, as Telegram's discovery document
/// (`https://oauth.telegram.org/.well-known/openid-configuration`) lays them out.
public struct OIDCProvider: Sendable, Hashable {
    /// Telegram: issuer `https://oauth.telegram.org`.
    public static let telegram = OIDCProvider(checked: "https://oauth.telegram.org")

    /// The `iss` every id_token must carry, exactly.
    public let issuer: String
    /// Where the user's browser is sent to log in.
    public var authorizationEndpoint: String { issuer + "/auth" }
    /// Where the code is exchanged for tokens.
    public var tokenEndpoint: String { issuer + "/token" }
    /// The key set (JWKS).
    public var jwksURI: String { issuer + "/.well-known/jwks.json" }

    /// - Throws: `invalid_argument` for an issuer that is not an `https://` origin with an optional path, without
    ///   a query, a fragment or a trailing `/`.
    public init(issuer: String) throws(TelegramAuthError) {
        let bytes = Array(issuer.utf8)
        guard issuer.hasPrefix("https://"), bytes.count > 8, bytes.last != UInt8(ascii: "/"),
              !bytes.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 <= 0x20 || $0 >= 0x7F })
        else { throw .invalidArgument("the issuer must be an https:// URL without a query, a fragment or a trailing /") }
        try HTTPSClient.check(issuer)  // no credentials
        self.issuer = issuer
    }

    private init(checked issuer: String) { self.issuer = issuer }
}
