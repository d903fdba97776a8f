import TelegramAuth

/// Verifies the `id_token` of Log In With Telegram (OpenID Connect): a compact JWS signed with one of
/// Telegram's keys, then its claims.
///
/// Made once from the client id (the bot id) and Telegram's key set; immutable, so one verifier serves any
/// number of threads.
public struct IDTokenVerifier: Sendable {
    /// The largest token accepted, in bytes.
    public static let maxTokenBytes = 16_384

    public let clientID: String
    public let keys: JSONWebKeySet
    public let issuer: String

    /// - Parameters:
    ///   - clientID: the bot id, as `aud` carries it (a string of digits).
    ///   - keys: Telegram's key set (`https://oauth.telegram.org/.well-known/jwks.json`).
    ///   - issuer: the only `iss` accepted: Telegram's unless a stand-in is verified.
    public init(clientID: String, keys: JSONWebKeySet, issuer: String = OIDCProvider.telegram.issuer) throws(TelegramAuthError) {
        guard !clientID.isEmpty else { throw .invalidArgument("the client id is empty") }
        self.clientID = clientID
        self.keys = keys
        self.issuer = issuer
    }

    /// Checks the token's form and signature, then its claims.
    /// - Parameters:
    ///   - token: the compact JWS (`header.payload.signature`).
    ///   - nonce: the nonce the authorization request carried; the token must carry the same (compared in
    ///     constant time). Nil when the request had none.
    ///   - options: the time rules, as for initData: `exp` may be at most `futureSkew` seconds past, `iat`
    ///     and `nbf` (when present) at most `futureSkew` ahead, and with `maxAge` the token at most that old.
    ///
    /// Deliberate rules: the nonce is checked only when one is given (Telegram does not echo one in every
    /// flow); an ES256 signature with a high S is accepted (both forms are valid ECDSA, and a key may sign
    /// either); an ES256K signature is normalized to low S before libsecp256k1 verifies it. `sub` must be a
    /// non-empty string, and an `aud` of several audiences needs `azp` equal to the client id.
    /// - Throws: `too_large`; `malformed` for anything but three base64url parts of strict JSON; `bad_signature`
    ///   for an algorithm other than the key's, a `crit` header, or a signature that does not verify;
    ///   `unknown_key` for a `kid` the key set lacks (refresh it); `expired`, `future_auth_date`, `bad_claim`.
    public func verify(
        _ token: String, nonce: String? = nil, options: ValidationOptions = ValidationOptions(maxAge: nil)
    ) throws(TelegramAuthError) -> VerifiedIDToken {
        try verify(bytes: Array(token.utf8), nonce: nonce, options: options)
    }

    /// The same, for the token's bytes.
    public func verify(
        bytes: [UInt8], nonce: String? = nil, options: ValidationOptions = ValidationOptions(maxAge: nil)
    ) throws(TelegramAuthError) -> VerifiedIDToken {
        guard bytes.count <= Self.maxTokenBytes else {
            throw TelegramAuthError(.tooLarge, "the id_token is \(bytes.count) bytes; the limit is \(Self.maxTokenBytes)")
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("an id_token is three base64url parts joined by '.' (a compact JWS)") }
        guard let headerJSON = Base64URL.decodeUnpadded(parts[0]) else { throw .malformed("the JWS header is not base64url", field: "header") }
        guard let payloadJSON = Base64URL.decodeUnpadded(parts[1]) else { throw .malformed("the JWS payload is not base64url", field: "payload") }
        guard let signature = Base64URL.decodeUnpadded(parts[2]) else { throw .malformed("the JWS signature is not base64url", field: "signature") }
        let header = try JSONValue.parse(headerJSON)
        guard case .object = header else { throw .malformed("the JWS header is not a JSON object", field: "header") }

        // the key decides the algorithm: `alg` must be the key's, so `none`, HS256 and friends never verify
        guard let alg = header["alg"]?.stringValue else { throw .malformed("the JWS header has no alg", field: "alg") }
        guard header["crit"] == nil else {
            throw TelegramAuthError(.badSignature, field: "crit", "the JWS header has crit, which no supported token uses")
        }
        guard let kid = header["kid"]?.stringValue else { throw .malformed("the JWS header has no kid", field: "kid") }
        guard let key = keys.key(id: kid) else {
            throw TelegramAuthError(.unknownKey, field: "kid", "no key \(kid) in the key set; fetch the key set again")
        }
        guard JWSAlgorithm(rawValue: alg) == key.algorithm else {
            throw TelegramAuthError(.badSignature, field: "alg", "alg \(alg) is not the algorithm of key \(kid) (\(key.algorithm.rawValue))")
        }
        let signingInput = Array(bytes[..<(parts[0].count + 1 + parts[1].count)])
        guard key.isValidSignature(signature, for: signingInput) else {
            throw TelegramAuthError(.badSignature, field: "signature", "the id_token's signature does not verify with key \(kid)")
        }

        let claims = try JSONValue.parse(payloadJSON)
        guard case .object = claims else { throw .malformed("the JWS payload is not a JSON object", field: "payload") }
        let unchecked = VerifiedIDToken(algorithm: key.algorithm, keyID: kid, claims: claims, claimsJSON: payloadJSON, token: nil)
        try check(unchecked, nonce: nonce, options: options)
        // the schema's typed view (its declared claims of the wrong type are malformed)
        return VerifiedIDToken(
            algorithm: key.algorithm, keyID: kid, claims: claims, claimsJSON: payloadJSON,
            token: try payloadJSON.withUnsafeBufferPointer { (b) throws(TelegramAuthError) in try IDToken(json: b, context: "claims") })
    }

    func check(_ token: VerifiedIDToken, nonce: String?, options: ValidationOptions) throws(TelegramAuthError) {
        guard token.claims["iss"]?.stringValue == issuer else {
            throw TelegramAuthError(.badClaim, field: "iss", "iss is not \(issuer)")
        }
        switch token.claims["aud"] {
        case .string(let aud)? where aud == clientID: break
        case .array(let auds)? where auds.contains(.string(clientID)):
            // a token for several audiences is this client's only when it is the authorized party (Core 3.1.3.7)
            guard auds.count == 1 || token.claims["azp"]?.stringValue == clientID else {
                throw TelegramAuthError(.badClaim, field: "azp", "aud names \(auds.count) audiences and azp is not client \(clientID)")
            }
        default: throw TelegramAuthError(.badClaim, field: "aud", "aud does not name client \(clientID)")
        }
        guard let sub = token.subject, !sub.isEmpty else {
            throw TelegramAuthError(.badClaim, field: "sub", "sub is missing, empty or not a string")
        }
        guard let exp = token.expiresAt else { throw TelegramAuthError(.badClaim, field: "exp", "exp is missing or not an integer") }
        guard let iat = token.issuedAt else { throw TelegramAuthError(.badClaim, field: "iat", "iat is missing or not an integer") }
        let now = Int128(options.now ?? SystemClock.unixTime())
        if Int128(exp) + Int128(options.futureSkew) < now {
            throw TelegramAuthError(.expired, field: "exp", "the id_token expired \(now - Int128(exp)) s ago")
        }
        if Int128(iat) - now > Int128(options.futureSkew) {
            throw TelegramAuthError(.futureAuthDate, field: "iat", "iat is \(Int128(iat) - now) s ahead of now")
        }
        if let nbfClaim = token.claims["nbf"] {
            guard let nbf = nbfClaim.int64Value else { throw TelegramAuthError(.badClaim, field: "nbf", "nbf is not an integer") }
            if Int128(nbf) - now > Int128(options.futureSkew) {
                throw TelegramAuthError(.futureAuthDate, field: "nbf", "the id_token is not valid for another \(Int128(nbf) - now) s (nbf)")
            }
        }
        if let maxAge = options.maxAge, maxAge > 0, now - Int128(iat) > Int128(maxAge) {
            throw TelegramAuthError(.expired, field: "iat", "the id_token is \(now - Int128(iat)) s old; the limit is \(maxAge) s")
        }
        if let nonce {
            let given = Array((token.claims["nonce"]?.stringValue ?? "").utf8), wanted = Array(nonce.utf8)
            guard token.claims["nonce"]?.stringValue != nil, constantTimeEquals(given, wanted)
            else { throw TelegramAuthError(.badClaim, field: "nonce", "nonce is not the one the request carried") }
        }
    }
}

/// A verified id_token: its algorithm and key, and its claims.
public struct VerifiedIDToken: Sendable {
    public let algorithm: JWSAlgorithm
    public let keyID: String
    /// Every claim, as sent (numbers keep their text: `id` is exact).
    public let claims: JSONValue
    /// The claims exactly as the token carries them (strict JSON, checked).
    public let claimsJSON: [UInt8]
    /// The claims the schema declares, typed (`IDToken`, generated from `schema/results.json`).
    let typed: IDToken?
    public var token: IDToken { typed! }

    init(algorithm: JWSAlgorithm, keyID: String, claims: JSONValue, claimsJSON: [UInt8], token: IDToken?) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.claims = claims
        self.claimsJSON = claimsJSON
        typed = token
    }

    /// `sub`: an opaque string per user and client (not the Telegram id).
    public var subject: String? { claims["sub"]?.stringValue }
    /// `id`: the Telegram user id.
    public var telegramID: Int64? { claims["id"]?.int64Value }
    public var name: String? { claims["name"]?.stringValue }
    public var preferredUsername: String? { claims["preferred_username"]?.stringValue }
    public var picture: String? { claims["picture"]?.stringValue }
    public var phoneNumber: String? { claims["phone_number"]?.stringValue }
    public var issuedAt: Int64? { claims["iat"]?.int64Value }
    public var expiresAt: Int64? { claims["exp"]?.int64Value }
    public var nonce: String? { claims["nonce"]?.stringValue }
}

extension IDToken {
    /// Every claim, the JSON object as the token carried it.
    public var claimsJSON: String { storage.string(storage.headerPointer.pointee.source) ?? "{}" }
}
