import TelegramAuth
import TelegramAuthOIDC

/// A short-lived EdDSA JWT that says who the user is, signed by the gateway, for a backend that would rather
/// verify than trust a header: `iss` the gateway's URL, `aud` `tgauth-serve`, `sub` and `id` the numeric
/// Telegram id, the names, `amr` the login method, a minute of life. tgauth's own id_token verifier accepts
/// it (`IDTokenVerifier(clientID: "tgauth-serve", keys: <the gateway's key set>, issuer: <its URL>)`).
///
/// The key is derived from a secret the replicas share (the first cookie secret), so every replica signs
/// with the same key and its key set is the same everywhere.
public struct IdentityAssertion: Sendable {
    /// The `aud` of every assertion.
    public static let audience = "tgauth-serve"
    /// Seconds an assertion lives.
    public static let lifetime: Int64 = 60

    public let issuer: String
    let signer: IDTokenSigner

    /// - Throws: `invalid_argument` for a secret under 32 bytes.
    public init(secret: [UInt8], issuer: String) throws(TelegramAuthError) {
        guard secret.count >= CookieSealer.minimumSecretBytes else { throw .invalidArgument("the assertion secret is under 32 bytes") }
        let seed = HMACKey(key: secret).authenticate(Array("tgauth assertion key v1".utf8))
        // the kid names the key, not the secret: 8 bytes of the public key's hash
        let provisional = try IDTokenSigner(algorithm: .edDSA, keyID: "k", seed: seed)
        let kid = "tgauth-" + Hex.encode(SHA256Digest.hash(Array(provisional.publicJWK.utf8)).prefix(8))
        signer = try IDTokenSigner(algorithm: .edDSA, keyID: kid, seed: seed)
        self.issuer = issuer
    }

    /// The key set a backend verifies assertions with (`/.well-known/tgauth/jwks.json`).
    public var jwks: String { #"{"keys":["# + signer.publicJWK + "]}" }

    /// An assertion of `identity`, issued at `now`.
    public func token(for identity: TelegramIdentity, now: Int64) -> String {
        var claims: [(String, JSONValue)] = [
            ("iss", .string(issuer)), ("aud", .string(Self.audience)), ("sub", .string(String(identity.id))),
            ("id", .number(String(identity.id))),
        ]
        if let name = identity.name { claims.append(("name", .string(name))) }
        if let username = identity.username { claims.append(("preferred_username", .string(username))) }
        if let photo = identity.photoURL { claims.append(("picture", .string(photo))) }
        claims += [
            ("amr", .array([.string(identity.method.rawValue)])), ("auth_time", .number(String(identity.authTime))),
            ("iat", .number(String(now))), ("exp", .number(String(now + Self.lifetime))),
        ]
        // signing an Ed25519 JWS cannot fail once the key is made
        return (try? signer.sign(claims: JSONValue.serialize(.object(claims)))) ?? ""
    }
}
