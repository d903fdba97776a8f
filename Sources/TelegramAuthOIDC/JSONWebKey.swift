import COpenSSL
import CSecp256k1
import TelegramAuth

/// The four signature algorithms Telegram signs id_tokens with (chosen per bot in @BotFather).
public enum JWSAlgorithm: String, Sendable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (OpenSSL), keys of at least 2048 bits.
    case rs256 = "RS256"
    /// ECDSA on P-256 with SHA-256 (OpenSSL).
    case es256 = "ES256"
    /// Ed25519 (libsodium, strict).
    case edDSA = "EdDSA"
    /// ECDSA on secp256k1 with SHA-256 (libsecp256k1).
    case es256k = "ES256K"
}

/// One public key of a JSON Web Key Set (RFC 7517), for one of the four algorithms.
public struct JSONWebKey: @unchecked Sendable {
    /// `kid`: the key's id, which an id_token's header names.
    public let keyID: String
    /// The algorithm the key's `kty`/`crv` (and `alg`, when given) allow: exactly one.
    public let algorithm: JWSAlgorithm
    // One of the three is set, by `algorithm`. (Separate optionals rather than an enum with payloads: Swift
    // packs tag bits into a multi-payload enum's pointers, and LeakSanitizer then loses sight of them.)
    let evp: EVPKey?  // RSA or P-256
    let ed25519: Ed25519PublicKey?
    let secp256k1: Secp256k1PublicKey?

    /// The smallest RSA modulus accepted, in bits.
    public static let minimumRSABits = 2048

    /// Reads one key object of a JWKS.
    /// - Throws: `invalid_argument` naming what is wrong: no `kid`, an unsupported `kty`/`crv`, an `alg` that
    ///   does not match them, missing or malformed coordinates, an RSA key under 2048 bits.
    public init(json: JSONValue) throws(TelegramAuthError) {
        guard case .object = json else { throw .invalidArgument("a JWK is a JSON object") }
        guard let kid = json["kid"]?.stringValue, !kid.isEmpty else { throw .invalidArgument("a JWK needs a kid") }
        guard let kty = json["kty"]?.stringValue else { throw .invalidArgument("JWK \(kid): no kty") }
        let crv = json["crv"]?.stringValue
        let implied: JWSAlgorithm
        switch (kty, crv) {
        case ("RSA", nil): implied = .rs256
        case ("EC", "P-256"): implied = .es256
        case ("OKP", "Ed25519"): implied = .edDSA
        case ("EC", "secp256k1"): implied = .es256k
        default: throw .invalidArgument("JWK \(kid): kty \(kty) with crv \(crv ?? "none") is not a supported key")
        }
        if let alg = json["alg"]?.stringValue, alg != implied.rawValue {
            throw .invalidArgument("JWK \(kid): alg \(alg) does not match its kty \(kty)\(crv.map { " and crv \($0)" } ?? "")")
        }
        func bytes(_ member: String, count: Int? = nil) throws(TelegramAuthError) -> [UInt8] {
            guard let text = json[member]?.stringValue, let raw = Base64URL.decodeUnpadded(text.utf8), !raw.isEmpty else {
                throw .invalidArgument("JWK \(kid): \(member) is missing or not base64url")
            }
            if let count, raw.count != count { throw .invalidArgument("JWK \(kid): \(member) is \(raw.count) bytes, not \(count)") }
            return raw
        }
        keyID = kid
        algorithm = implied
        var evp: EVPKey? = nil, ed25519: Ed25519PublicKey? = nil, secp256k1: Secp256k1PublicKey? = nil
        switch implied {
        case .rs256:
            let n = try bytes("n"), e = try bytes("e")
            try Self.checkRSA(modulus: n, exponent: e, kid: kid)
            evp = try EVPKey(rsaModulus: n, exponent: e, kid: kid)
        case .es256:
            evp = try EVPKey(p256X: try bytes("x", count: 32), y: try bytes("y", count: 32), kid: kid)
        case .edDSA:
            ed25519 = try Ed25519PublicKey(rawRepresentation: try bytes("x", count: 32))
        case .es256k:
            secp256k1 = try Secp256k1PublicKey(x: try bytes("x", count: 32), y: try bytes("y", count: 32), kid: kid)
        }
        self.evp = evp
        self.ed25519 = ed25519
        self.secp256k1 = secp256k1
    }

    /// The numbers of an RSA public key that can verify a signature: an odd modulus of at least 2048 bits, an
    /// odd exponent of at least 3 and below the modulus. (With e = 1 the "signature" of a message is its padded
    /// digest, which anyone can write; an even modulus or exponent is no RSA key.)
    static func checkRSA(modulus: [UInt8], exponent: [UInt8], kid: String) throws(TelegramAuthError) {
        let n = modulus.drop { $0 == 0 }, e = exponent.drop { $0 == 0 }
        let bits = n.isEmpty ? 0 : (n.count - 1) * 8 + (8 - n.first!.leadingZeroBitCount)
        guard bits >= Self.minimumRSABits else {
            throw .invalidArgument("JWK \(kid): an RSA key of \(bits) bits; at least \(Self.minimumRSABits) are required")
        }
        guard n.last! & 1 == 1 else { throw .invalidArgument("JWK \(kid): the RSA modulus is even") }
        guard let low = e.last, low & 1 == 1, e.count > 1 || low >= 3 else {
            throw .invalidArgument("JWK \(kid): the RSA exponent must be odd and at least 3")
        }
        guard e.count < n.count || (e.count == n.count && e.lexicographicallyPrecedes(n)) else {
            throw .invalidArgument("JWK \(kid): the RSA exponent is not below the modulus")
        }
    }

    /// Whether `signature` (JWS form: raw r‖s for ECDSA) signs `message` with this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        if let evp { return evp.verify(signature, message, ecdsa: algorithm == .es256) }
        if let ed25519 { return ed25519.isValidSignature(signature, for: message) }
        return secp256k1?.verify(signature, message) ?? false
    }
}

/// A JSON Web Key Set: the keys by `kid`.
public struct JSONWebKeySet: Sendable {
    /// The most keys a set may hold (Telegram serves four).
    public static let maxKeys = 100
    /// The largest key set read, in bytes.
    public static let maxBytes = 1 << 20

    /// The signing keys, in the set's order.
    public let keys: [JSONWebKey]
    private let index: [String: Int]

    /// Reads `{"keys":[…]}`, strictly (one JSON reader for the library; duplicate members are malformed). A key
    /// for encryption (`"use"` other than `"sig"`, or `key_ops` without `"verify"`) is skipped: Telegram does
    /// not sign with it.
    /// - Throws: `too_large` over `maxBytes`; `malformed` for JSON that is not a key set; `invalid_argument`
    ///   for more than `maxKeys` keys, a bad key or a kid twice.
    public init(json text: some Collection<UInt8>) throws(TelegramAuthError) {
        guard text.count <= Self.maxBytes else {
            throw TelegramAuthError(.tooLarge, "the key set is \(text.count) bytes; the limit is \(Self.maxBytes)")
        }
        let root = try JSONValue.parse(text)
        guard case .array(let items)? = root["keys"] else { throw .malformed("a JWKS is an object with a keys array") }
        guard items.count <= Self.maxKeys else {
            throw .invalidArgument("the key set has \(items.count) keys; at most \(Self.maxKeys) are accepted")
        }
        var keys: [JSONWebKey] = [], index: [String: Int] = [:]
        for item in items where Self.isForSigning(item) {
            let key = try JSONWebKey(json: item)
            guard index.updateValue(keys.count, forKey: key.keyID) == nil else { throw .invalidArgument("JWK \(key.keyID): the kid is in the set twice") }
            keys.append(key)
        }
        self.keys = keys
        self.index = index
    }

    /// Whether a key object may verify signatures: `use` absent or `sig`, `key_ops` absent or naming `verify`.
    static func isForSigning(_ item: JSONValue) -> Bool {
        if let use = item["use"], use.stringValue != "sig" { return false }
        if let ops = item["key_ops"] {
            guard case .array(let list) = ops, list.contains(.string("verify")) else { return false }
        }
        return true
    }

    public func key(id: String) -> JSONWebKey? { index[id].map { keys[$0] } }
}

/// A C string that lives as long as the process: OSSL_PARAM_BLD keeps the pointers it is given until it
/// builds, so a temporary bridged from a Swift String would dangle.
private func permanent(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// An OpenSSL public key (RSA or P-256), freed with its last reference.
final class EVPKey: @unchecked Sendable {
    let pkey: OpaquePointer
    /// A SHA-256 verification context set up once for this key; each verification works on a copy. Setting one
    /// up fetches the digest and signature algorithms from the provider, about 2.5 us of a 17 us RS256 verify
    /// measured here; the copy skips it. Only ever read, so threads may copy it at once.
    let template: OpaquePointer
    var bits: Int { Int(EVP_PKEY_get_bits(pkey)) }

    private init(type: String, kid: String, _ push: (OpaquePointer) -> Bool) throws(TelegramAuthError) {
        // a refused key leaves OpenSSL's reasons on this thread's error queue: take them off, or the host's next
        // OpenSSL call (Node's crypto, sharing its OpenSSL with this library) reports them as its own failure
        defer { ERR_clear_error() }
        guard let builder = OSSL_PARAM_BLD_new() else { throw .invalidArgument("OpenSSL could not allocate") }
        defer { OSSL_PARAM_BLD_free(builder) }
        guard push(builder), let params = OSSL_PARAM_BLD_to_param(builder) else {
            throw .invalidArgument("JWK \(kid): OpenSSL refused the key's numbers")
        }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil) else { throw .invalidArgument("OpenSSL has no \(type)") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(ctx) == 1, EVP_PKEY_fromdata(ctx, &key, tg_evp_pkey_public_key, params) == 1, let key else {
            throw .invalidArgument("JWK \(kid): not a valid \(type) public key")
        }
        guard let template = EVP_MD_CTX_new() else { EVP_PKEY_free(key); throw .invalidArgument("OpenSSL could not allocate") }
        guard EVP_DigestVerifyInit(template, nil, EVP_sha256(), nil, key) == 1 else {
            EVP_MD_CTX_free(template)
            EVP_PKEY_free(key)
            throw .invalidArgument("JWK \(kid): OpenSSL cannot verify with this \(type) key")
        }
        pkey = key
        self.template = template
    }

    convenience init(rsaModulus n: [UInt8], exponent e: [UInt8], kid: String) throws(TelegramAuthError) {
        let bn = BN_bin2bn(n, Int32(n.count), nil), be = BN_bin2bn(e, Int32(e.count), nil)
        defer { BN_free(bn); BN_free(be) }
        try self.init(type: "RSA", kid: kid) { b in
            OSSL_PARAM_BLD_push_BN(b, permanent("n"), bn) == 1 && OSSL_PARAM_BLD_push_BN(b, permanent("e"), be) == 1
        }
    }

    convenience init(p256X x: [UInt8], y: [UInt8], kid: String) throws(TelegramAuthError) {
        let point = [0x04] + x + y  // the uncompressed point
        // kept in a buffer of ours until the parameters are built (the builder holds the pointer until then)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: point.count)
        buffer.initialize(from: point, count: point.count)
        defer { buffer.deallocate() }
        try self.init(type: "EC", kid: kid) { b in
            OSSL_PARAM_BLD_push_utf8_string(b, permanent("group"), permanent("prime256v1"), 0) == 1
                && OSSL_PARAM_BLD_push_octet_string(b, permanent("pub"), buffer, point.count) == 1
        }
        // a point off the curve is refused here rather than at the first token
        guard let check = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else { throw .invalidArgument("OpenSSL could not allocate") }
        defer { EVP_PKEY_CTX_free(check) }
        guard EVP_PKEY_public_check(check) == 1 else { throw .invalidArgument("JWK \(kid): not a point of P-256") }
    }

    deinit {
        EVP_MD_CTX_free(template)
        EVP_PKEY_free(pkey)
    }

    /// RS256, or ES256 with the JWS signature (r‖s, 32 bytes each) turned into the DER OpenSSL verifies.
    func verify(_ signature: [UInt8], _ message: [UInt8], ecdsa: Bool) -> Bool {
        var der = signature
        if ecdsa {
            guard signature.count == 64, let converted = Self.der(signature) else { return false }
            der = converted
        }
        guard let md = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(md) }
        guard EVP_MD_CTX_copy_ex(md, template) == 1 else { return false }
        let verified = EVP_DigestVerify(md, der, der.count, message, message.count) == 1
        if !verified { ERR_clear_error() }  // as in init: no failure of ours left on the thread's error queue
        return verified
    }

    /// r‖s as a DER ECDSA-Sig-Value.
    static func der(_ raw: [UInt8]) -> [UInt8]? {
        guard let sig = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(sig) }
        let r = BN_bin2bn(raw, 32, nil), s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + 32, 32, nil) }
        guard ECDSA_SIG_set0(sig, r, s) == 1 else { BN_free(r); BN_free(s); return nil }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let n = i2d_ECDSA_SIG(sig, &out)
        guard n > 0, let out else { return nil }
        defer { CRYPTO_free(out, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }
}

/// A secp256k1 public key (libsecp256k1).
final class Secp256k1PublicKey: @unchecked Sendable {
    /// One context for every verification; libsecp256k1 contexts may be shared by threads when only read.
    nonisolated(unsafe) static let context: OpaquePointer = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_VERIFY))!
    var key = secp256k1_pubkey()

    init(x: [UInt8], y: [UInt8], kid: String) throws(TelegramAuthError) {
        let point = [0x04] + x + y
        guard secp256k1_ec_pubkey_parse(Self.context, &key, point, point.count) == 1 else {
            throw .invalidArgument("JWK \(kid): not a point of secp256k1")
        }
    }

    /// ES256K: r‖s, S brought to its low form first (JWS signers may give either; both are valid ECDSA, and
    /// libsecp256k1 verifies only the low one). An r or s of zero or not below the order is refused.
    func verify(_ signature: [UInt8], _ message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        var parsed = secp256k1_ecdsa_signature(), normal = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(Self.context, &parsed, signature) == 1 else { return false }
        _ = secp256k1_ecdsa_signature_normalize(Self.context, &normal, &parsed)
        let digest = SHA256Digest.hash(message)
        return secp256k1_ecdsa_verify(Self.context, &normal, digest, &key) == 1
    }
}
