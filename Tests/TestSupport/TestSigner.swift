import COpenSSL
import CSecp256k1
import Foundation

@testable import TelegramAuth
@testable import TelegramAuthOIDC

/// Keys made here for signing test tokens, one per algorithm (the public halves form a JWKS).
package enum TestSigner {
    /// The claims of a Log In With Telegram id_token the tests sign (iat 1799999990, nonce n-0S6_WzA2Mj).
    package static let claims = #"{"iss":"https://oauth.telegram.org","aud":"7342037359","sub":"opaque-sub","id":279058397,"name":"Vladislav","iat":1799999990,"exp":1800003590,"nonce":"n-0S6_WzA2Mj"}"#

    package static func b64(_ bytes: some Collection<UInt8>) -> String { Base64URL.encode(bytes) }

    package static func bytes(_ bn: OpaquePointer?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int((BN_num_bits(bn) + 7) / 8))
        _ = BN_bn2bin(bn, &out)
        return out
    }

    /// An RSA or P-256 key pair from OpenSSL.
    package static func evpKey(_ type: String, rsaBits: Int32 = 2048) -> OpaquePointer {
        let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil)
        defer { EVP_PKEY_CTX_free(ctx) }
        precondition(EVP_PKEY_keygen_init(ctx) == 1)
        if type == "RSA" { precondition(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, rsaBits) == 1) }
        if type == "EC" { precondition(EVP_PKEY_CTX_set_group_name(ctx, "prime256v1") == 1) }
        var key: OpaquePointer?
        precondition(EVP_PKEY_generate(ctx, &key) == 1)
        return key!
    }

    nonisolated(unsafe) package static let rsa = evpKey("RSA")
    nonisolated(unsafe) package static let p256 = evpKey("EC")
    package static let ed25519 = try! Ed25519PrivateKey(seed: (0..<32).map { UInt8($0 &* 7 &+ 3) })
    nonisolated(unsafe) package static let k1Context: OpaquePointer = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY))!
    package static let k1Secret: [UInt8] = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 11 &+ 5) }

    package static func rsaJWK(_ key: OpaquePointer, kid: String) -> String {
        var n: OpaquePointer?, e: OpaquePointer?
        precondition(EVP_PKEY_get_bn_param(key, "n", &n) == 1 && EVP_PKEY_get_bn_param(key, "e", &e) == 1)
        defer { BN_free(n); BN_free(e) }
        return #"{"kty":"RSA","alg":"RS256","kid":"\#(kid)","n":"\#(b64(bytes(n)))","e":"\#(b64(bytes(e)))"}"#
    }

    package static func ecPoint(_ key: OpaquePointer) -> [UInt8] {
        var point = [UInt8](repeating: 0, count: 65)
        var len = 0
        precondition(EVP_PKEY_get_octet_string_param(key, "pub", &point, 65, &len) == 1 && len == 65)
        return point
    }

    package static func k1Point() -> [UInt8] {
        var pk = secp256k1_pubkey()
        precondition(secp256k1_ec_pubkey_create(k1Context, &pk, k1Secret) == 1)
        var out = [UInt8](repeating: 0, count: 65)
        var len = 65
        precondition(secp256k1_ec_pubkey_serialize(k1Context, &out, &len, &pk, UInt32(SECP256K1_EC_UNCOMPRESSED)) == 1)
        return out
    }

    package static var jwks: String {
        let p = ecPoint(p256), k = k1Point()
        let keys = [
            rsaJWK(rsa, kid: "rsa-1"),
            #"{"kty":"EC","crv":"P-256","alg":"ES256","kid":"p256-1","x":"\#(b64(p[1..<33]))","y":"\#(b64(p[33...]))"}"#,
            #"{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"ed-1","x":"\#(b64(ed25519.publicKey.rawRepresentation))"}"#,
            #"{"kty":"EC","crv":"secp256k1","alg":"ES256K","kid":"k1-1","x":"\#(b64(k[1..<33]))","y":"\#(b64(k[33...]))"}"#,
        ]
        return #"{"keys":[\#(keys.joined(separator: ","))]}"#
    }

    package static func evpSign(_ key: OpaquePointer, _ message: [UInt8]) -> [UInt8] {
        let md = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(md) }
        precondition(EVP_DigestSignInit(md, nil, EVP_sha256(), nil, key) == 1)
        var len = 0
        precondition(EVP_DigestSign(md, nil, &len, message, message.count) == 1)
        var sig = [UInt8](repeating: 0, count: len)
        precondition(EVP_DigestSign(md, &sig, &len, message, message.count) == 1)
        return Array(sig[..<len])
    }

    /// The JWS signature of `message` for `alg` (ECDSA as raw r‖s).
    package static func sign(_ alg: JWSAlgorithm, _ message: [UInt8]) -> [UInt8] {
        switch alg {
        case .rs256: return evpSign(rsa, message)
        case .es256:
            let der = evpSign(p256, message)
            var p: UnsafePointer<UInt8>? = der.withUnsafeBufferPointer { $0.baseAddress }
            let sig = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                p = buffer.baseAddress
                return d2i_ECDSA_SIG(nil, &p, der.count)
            }
            defer { ECDSA_SIG_free(sig) }
            var out = [UInt8](repeating: 0, count: 64)
            out.withUnsafeMutableBufferPointer { o in
                _ = BN_bn2binpad(ECDSA_SIG_get0_r(sig), o.baseAddress, 32)
                _ = BN_bn2binpad(ECDSA_SIG_get0_s(sig), o.baseAddress! + 32, 32)
            }
            return out
        case .edDSA: return ed25519.signature(for: message)
        case .es256k:
            var sig = secp256k1_ecdsa_signature()
            precondition(secp256k1_ecdsa_sign(k1Context, &sig, SHA256Digest.hash(message), k1Secret, nil, nil) == 1)
            var out = [UInt8](repeating: 0, count: 64)
            precondition(secp256k1_ecdsa_signature_serialize_compact(k1Context, &out, &sig) == 1)
            return out
        }
    }

    package static let kids: [JWSAlgorithm: String] = [.rs256: "rsa-1", .es256: "p256-1", .edDSA: "ed-1", .es256k: "k1-1"]

    /// A compact JWS of `claims`, signed for `alg`; `header` replaces the usual one, `tamper` changes the
    /// signature before it is encoded.
    package static func token(
        _ alg: JWSAlgorithm, claims: String, header: String? = nil, tamper: ([UInt8]) -> [UInt8] = { $0 }
    ) -> String {
        let h = header ?? #"{"alg":"\#(alg.rawValue)","kid":"\#(kids[alg]!)","typ":"JWT"}"#
        let input = b64(Array(h.utf8)) + "." + b64(Array(claims.utf8))
        return input + "." + b64(tamper(sign(alg, Array(input.utf8))))
    }
}
