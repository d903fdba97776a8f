import COpenSSL
import CSecp256k1
import TelegramAuth

/// Signs id_tokens the way Telegram does, for tests and fixtures (`tgauth sign id-token`): one private key
/// of one of the four kinds, its public half as a JWK for the verifier's key set.
public final class IDTokenSigner: @unchecked Sendable {
    public let algorithm: JWSAlgorithm
    public let keyID: String
    private let evp: OpaquePointer?  // RS256, ES256
    private let ed25519: Ed25519PrivateKey?
    private let secp256k1: [UInt8]?

    /// An RS256 or ES256 signer from a PEM private key (PKCS#8 or the traditional forms OpenSSL reads).
    /// - Throws: `invalid_argument` for a key OpenSSL cannot read, or of another kind than `algorithm` wants.
    public init(algorithm: JWSAlgorithm, keyID: String, privateKeyPEM pem: [UInt8]) throws(TelegramAuthError) {
        guard algorithm == .rs256 || algorithm == .es256 else { throw .invalidArgument("a PEM key is for RS256 or ES256; EdDSA and ES256K take a seed") }
        let bio = pem.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw .invalidArgument("not a PEM private key OpenSSL can read") }
        let wanted = algorithm == .rs256 ? "RSA" : "EC"
        guard EVP_PKEY_is_a(key, wanted) == 1, algorithm == .rs256 || Self.curve(key) == "prime256v1" else {
            EVP_PKEY_free(key)
            throw .invalidArgument("the PEM key is not a\(algorithm == .rs256 ? "n RSA" : " P-256") key")
        }
        if algorithm == .rs256, EVP_PKEY_get_bits(key) < Int32(JSONWebKey.minimumRSABits) {
            EVP_PKEY_free(key)
            throw .invalidArgument("an RSA key under \(JSONWebKey.minimumRSABits) bits")
        }
        self.algorithm = algorithm
        self.keyID = keyID
        evp = key
        ed25519 = nil
        secp256k1 = nil
    }

    /// An EdDSA or ES256K signer from a 32-byte secret (the Ed25519 seed, or the secp256k1 secret key).
    public init(algorithm: JWSAlgorithm, keyID: String, seed: [UInt8]) throws(TelegramAuthError) {
        guard seed.count == 32 else { throw .invalidArgument("a seed is 32 bytes, not \(seed.count)") }
        self.algorithm = algorithm
        self.keyID = keyID
        evp = nil
        switch algorithm {
        case .edDSA:
            ed25519 = try Ed25519PrivateKey(seed: seed)
            secp256k1 = nil
        case .es256k:
            guard secp256k1_ec_seckey_verify(Secp256k1PublicKey.context, seed) == 1 else {
                throw .invalidArgument("not a secp256k1 secret key (zero, or not below the group order)")
            }
            ed25519 = nil
            secp256k1 = seed
        default: throw .invalidArgument("RS256 and ES256 take a PEM key, not a seed")
        }
    }

    deinit { if let evp { EVP_PKEY_free(evp) } }

    static func curve(_ key: OpaquePointer) -> String {
        var name = [CChar](repeating: 0, count: 64)
        var len = 0
        guard EVP_PKEY_get_utf8_string_param(key, "group", &name, name.count, &len) == 1 else { return "" }
        return String(decoding: name[..<len].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The compact JWS of `claims` (a JSON object's text), with header `{"alg":…,"kid":…,"typ":"JWT"}`.
    public func sign(claims: String) throws(TelegramAuthError) -> String {
        guard case .object = try JSONValue.parse(claims) else { throw .invalidArgument("the claims are a JSON object") }
        let header = #"{"alg":"\#(algorithm.rawValue)","kid":"\#(keyID)","typ":"JWT"}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        return input + "." + Base64URL.encode(try signature(Array(input.utf8)))
    }

    func signature(_ message: [UInt8]) throws(TelegramAuthError) -> [UInt8] {
        if let ed25519 { return ed25519.signature(for: message) }
        if let secp256k1 {
            var sig = secp256k1_ecdsa_signature()
            var out = [UInt8](repeating: 0, count: 64)
            guard secp256k1_ecdsa_sign(Secp256k1PublicKey.context, &sig, SHA256Digest.hash(message), secp256k1, nil, nil) == 1,
                secp256k1_ecdsa_signature_serialize_compact(Secp256k1PublicKey.context, &out, &sig) == 1
            else { throw .invalidArgument("libsecp256k1 could not sign") }
            return out
        }
        guard let evp, let md = EVP_MD_CTX_new() else { throw .invalidArgument("OpenSSL could not allocate") }
        defer { EVP_MD_CTX_free(md) }
        var len = 0
        guard EVP_DigestSignInit(md, nil, EVP_sha256(), nil, evp) == 1, EVP_DigestSign(md, nil, &len, message, message.count) == 1
        else { throw .invalidArgument("OpenSSL could not sign") }
        var der = [UInt8](repeating: 0, count: len)
        guard EVP_DigestSign(md, &der, &len, message, message.count) == 1 else { throw .invalidArgument("OpenSSL could not sign") }
        der.removeLast(der.count - len)
        guard algorithm == .es256 else { return der }
        // DER ECDSA-Sig-Value to JWS's r‖s
        let sig: OpaquePointer? = der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            return d2i_ECDSA_SIG(nil, &p, b.count)
        }
        guard let sig else { throw .invalidArgument("OpenSSL gave an unreadable signature") }
        defer { ECDSA_SIG_free(sig) }
        var out = [UInt8](repeating: 0, count: 64)
        out.withUnsafeMutableBufferPointer { o in
            _ = BN_bn2binpad(ECDSA_SIG_get0_r(sig), o.baseAddress, 32)
            _ = BN_bn2binpad(ECDSA_SIG_get0_s(sig), o.baseAddress! + 32, 32)
        }
        return out
    }

    /// The public key as a JWK (for a key set: `{"keys":[…]}`).
    public var publicJWK: String {
        let b64 = { (bytes: [UInt8]) in Base64URL.encode(bytes) }
        if let ed25519 {
            return #"{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"\#(keyID)","x":"\#(b64(ed25519.publicKey.rawRepresentation))"}"#
        }
        if let secp256k1 {
            var pk = secp256k1_pubkey()
            var point = [UInt8](repeating: 0, count: 65)
            var len = 65
            _ = secp256k1_ec_pubkey_create(Secp256k1PublicKey.context, &pk, secp256k1)
            _ = secp256k1_ec_pubkey_serialize(Secp256k1PublicKey.context, &point, &len, &pk, UInt32(SECP256K1_EC_UNCOMPRESSED))
            return #"{"kty":"EC","crv":"secp256k1","alg":"ES256K","kid":"\#(keyID)","x":"\#(b64(Array(point[1..<33])))","y":"\#(b64(Array(point[33...])))"}"#
        }
        let key = evp!
        if algorithm == .rs256 {
            var n: OpaquePointer?, e: OpaquePointer?
            _ = EVP_PKEY_get_bn_param(key, "n", &n)
            _ = EVP_PKEY_get_bn_param(key, "e", &e)
            defer { BN_free(n); BN_free(e) }
            func bytes(_ bn: OpaquePointer?) -> [UInt8] {
                var out = [UInt8](repeating: 0, count: Int((BN_num_bits(bn) + 7) / 8))
                _ = BN_bn2bin(bn, &out)
                return out
            }
            return #"{"kty":"RSA","alg":"RS256","kid":"\#(keyID)","n":"\#(b64(bytes(n)))","e":"\#(b64(bytes(e)))"}"#
        }
        var point = [UInt8](repeating: 0, count: 65)
        var len = 0
        _ = EVP_PKEY_get_octet_string_param(key, "pub", &point, 65, &len)
        return #"{"kty":"EC","crv":"P-256","alg":"ES256","kid":"\#(keyID)","x":"\#(b64(Array(point[1..<33])))","y":"\#(b64(Array(point[33...])))"}"#
    }
}
