import COpenSSL
import CSecp256k1
import Foundation
import Testing

@testable import TelegramAuth
@testable import TelegramAuthOIDC

/// Keys made here for signing test tokens, one per algorithm (the public halves form a JWKS).
enum TestSigner {
    static func b64(_ bytes: some Collection<UInt8>) -> String { Base64URL.encode(bytes) }

    static func bytes(_ bn: OpaquePointer?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int((BN_num_bits(bn) + 7) / 8))
        _ = BN_bn2bin(bn, &out)
        return out
    }

    /// An RSA or P-256 key pair from OpenSSL.
    static func evpKey(_ type: String, rsaBits: Int32 = 2048) -> OpaquePointer {
        let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil)
        defer { EVP_PKEY_CTX_free(ctx) }
        precondition(EVP_PKEY_keygen_init(ctx) == 1)
        if type == "RSA" { precondition(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, rsaBits) == 1) }
        if type == "EC" { precondition(EVP_PKEY_CTX_set_group_name(ctx, "prime256v1") == 1) }
        var key: OpaquePointer?
        precondition(EVP_PKEY_generate(ctx, &key) == 1)
        return key!
    }

    nonisolated(unsafe) static let rsa = evpKey("RSA")
    nonisolated(unsafe) static let p256 = evpKey("EC")
    static let ed25519 = try! Ed25519PrivateKey(seed: (0..<32).map { UInt8($0 &* 7 &+ 3) })
    nonisolated(unsafe) static let k1Context: OpaquePointer = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY))!
    static let k1Secret: [UInt8] = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 11 &+ 5) }

    static func rsaJWK(_ key: OpaquePointer, kid: String) -> String {
        var n: OpaquePointer?, e: OpaquePointer?
        precondition(EVP_PKEY_get_bn_param(key, "n", &n) == 1 && EVP_PKEY_get_bn_param(key, "e", &e) == 1)
        defer { BN_free(n); BN_free(e) }
        return #"{"kty":"RSA","alg":"RS256","kid":"\#(kid)","n":"\#(b64(bytes(n)))","e":"\#(b64(bytes(e)))"}"#
    }

    static func ecPoint(_ key: OpaquePointer) -> [UInt8] {
        var point = [UInt8](repeating: 0, count: 65)
        var len = 0
        precondition(EVP_PKEY_get_octet_string_param(key, "pub", &point, 65, &len) == 1 && len == 65)
        return point
    }

    static func k1Point() -> [UInt8] {
        var pk = secp256k1_pubkey()
        precondition(secp256k1_ec_pubkey_create(k1Context, &pk, k1Secret) == 1)
        var out = [UInt8](repeating: 0, count: 65)
        var len = 65
        precondition(secp256k1_ec_pubkey_serialize(k1Context, &out, &len, &pk, UInt32(SECP256K1_EC_UNCOMPRESSED)) == 1)
        return out
    }

    static var jwks: String {
        let p = ecPoint(p256), k = k1Point()
        let keys = [
            rsaJWK(rsa, kid: "rsa-1"),
            #"{"kty":"EC","crv":"P-256","alg":"ES256","kid":"p256-1","x":"\#(b64(p[1..<33]))","y":"\#(b64(p[33...]))"}"#,
            #"{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"ed-1","x":"\#(b64(ed25519.publicKey.rawRepresentation))"}"#,
            #"{"kty":"EC","crv":"secp256k1","alg":"ES256K","kid":"k1-1","x":"\#(b64(k[1..<33]))","y":"\#(b64(k[33...]))"}"#,
        ]
        return #"{"keys":[\#(keys.joined(separator: ","))]}"#
    }

    static func evpSign(_ key: OpaquePointer, _ message: [UInt8]) -> [UInt8] {
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
    static func sign(_ alg: JWSAlgorithm, _ message: [UInt8]) -> [UInt8] {
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

    static let kids: [JWSAlgorithm: String] = [.rs256: "rsa-1", .es256: "p256-1", .edDSA: "ed-1", .es256k: "k1-1"]

    /// A compact JWS of `claims`, signed for `alg`; `header` replaces the usual one, `tamper` changes the
    /// signature before it is encoded.
    static func token(
        _ alg: JWSAlgorithm, claims: String, header: String? = nil, tamper: ([UInt8]) -> [UInt8] = { $0 }
    ) -> String {
        let h = header ?? #"{"alg":"\#(alg.rawValue)","kid":"\#(kids[alg]!)","typ":"JWT"}"#
        let input = b64(Array(h.utf8)) + "." + b64(Array(claims.utf8))
        return input + "." + b64(tamper(sign(alg, Array(input.utf8))))
    }
}

@Suite struct OIDCTests {
    static let now: Int64 = 1_800_000_000
    static let claims = #"{"iss":"https://oauth.telegram.org","aud":"7342037359","sub":"opaque-sub","id":279058397,"name":"Vladislav","iat":1799999990,"exp":1800003590,"nonce":"n-0S6_WzA2Mj"}"#
    static let verifier = try! IDTokenVerifier(clientID: "7342037359", keys: try! JSONWebKeySet(json: Array(TestSigner.jwks.utf8)))
    static let options = ValidationOptions(maxAge: nil, now: now)

    static func verdict(_ token: String, nonce: String? = nil, options: ValidationOptions = options) -> TelegramAuthError.Kind? {
        kind { () throws(TelegramAuthError) in _ = try verifier.verify(token, nonce: nonce, options: options) }
    }

    @Test func telegramsServedKeySetHasOneKeyOfEachKind() throws {
        let text = try Data(contentsOf: repositoryRoot.appendingPathComponent("tests/vectors/telegram-oidc-jwks.json"))
        let set = try JSONWebKeySet(json: Array(text))
        #expect(set.keys.map(\.keyID) == ["oidc-1", "oidc-es256-1", "oidc-eddsa-1", "oidc-es256k-1"])
        #expect(set.keys.map(\.algorithm) == [.rs256, .es256, .edDSA, .es256k])
    }

    @Test func everyAlgorithmVerifiesAndATamperedSignatureDoesNot() throws {
        for alg in JWSAlgorithm.allCases {
            let token = TestSigner.token(alg, claims: Self.claims)
            let verified = try Self.verifier.verify(token, nonce: "n-0S6_WzA2Mj", options: Self.options)
            #expect(verified.algorithm == alg && verified.telegramID == 279058397 && verified.subject == "opaque-sub")
            let flipped = TestSigner.token(alg, claims: Self.claims) { var s = $0; s[s.count - 1] ^= 1; return s }
            #expect(Self.verdict(flipped) == .badSignature, "\(alg)")
            // the same signature over other claims
            let parts = token.split(separator: ".")
            let other = TestSigner.b64(Array(Self.claims.replacingOccurrences(of: "279058397", with: "279058398").utf8))
            #expect(Self.verdict("\(parts[0]).\(other).\(parts[2])") == .badSignature, "\(alg)")
        }
    }

    @Test func es256kAcceptsTheHighSFormAsJWSSignersMayProduceIt() throws {
        let order: [UInt8] = Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141".utf8)!
        let token = TestSigner.token(.es256k, claims: Self.claims) { sig in
            // s' = n - s: the other valid signature, which libsecp256k1 takes only after normalizing
            let s = BN_bin2bn(Array(sig[32...]), 32, nil), n = BN_bin2bn(order, 32, nil), high = BN_new()
            defer { BN_free(s); BN_free(n); BN_free(high) }
            precondition(BN_sub(high, n, s) == 1)
            var out = Array(sig[..<32]) + [UInt8](repeating: 0, count: 32)
            out.withUnsafeMutableBufferPointer { _ = BN_bn2binpad(high, $0.baseAddress! + 32, 32) }
            return out
        }
        #expect(Self.verdict(token) == nil)
        // r or s at the order, or zero, is refused
        for bad in [Array(order) + Array(order), [UInt8](repeating: 0, count: 64)] {
            #expect(Self.verdict(TestSigner.token(.es256k, claims: Self.claims) { _ in bad }) == .badSignature)
            #expect(Self.verdict(TestSigner.token(.es256, claims: Self.claims) { _ in bad }) == .badSignature)
        }
    }

    @Test func theKeyDecidesTheAlgorithm() throws {
        func b64(_ x: [UInt8]) -> String { TestSigner.b64(x) }
        func unsigned(_ header: String) -> String { b64(Array(header.utf8)) + "." + b64(Array(Self.claims.utf8)) + "." }
        #expect(Self.verdict(unsigned(#"{"alg":"none","kid":"rsa-1"}"#)) == .badSignature)
        // HS256 with the RSA key's public numbers as the secret: the classic confusion
        let h = #"{"alg":"HS256","kid":"rsa-1"}"#
        let input = b64(Array(h.utf8)) + "." + b64(Array(Self.claims.utf8))
        let mac = HMACKey(key: Array(TestSigner.rsaJWK(TestSigner.rsa, kid: "rsa-1").utf8)).authenticate(Array(input.utf8))
        #expect(Self.verdict(input + "." + b64(mac)) == .badSignature)
        // an EdDSA signature presented as ES256K for the secp256k1 key
        let edAsK1 = TestSigner.token(.edDSA, claims: Self.claims, header: #"{"alg":"ES256K","kid":"ed-1"}"#)
        #expect(Self.verdict(edAsK1) == .badSignature)
        #expect(Self.verdict(TestSigner.token(.rs256, claims: Self.claims, header: #"{"alg":"RS256","kid":"rsa-1","crit":["exp"]}"#)) == .badSignature)
        #expect(Self.verdict(TestSigner.token(.rs256, claims: Self.claims, header: #"{"alg":"RS256","kid":"rsa-9"}"#)) == .unknownKey)
        #expect(Self.verdict(TestSigner.token(.rs256, claims: Self.claims, header: #"{"alg":"RS256"}"#)) == .malformed)
    }

    @Test func onlyStrictCompactTokensAreRead() throws {
        let good = TestSigner.token(.edDSA, claims: Self.claims)
        let parts = good.split(separator: ".").map(String.init)
        #expect(Self.verdict(parts[0] + "." + parts[1]) == .malformed)
        #expect(Self.verdict(good + ".x") == .malformed)
        #expect(Self.verdict(parts[0] + "=." + parts[1] + "." + parts[2]) == .malformed)
        #expect(Self.verdict(TestSigner.token(.edDSA, claims: Self.claims, header: #"{"alg":"EdDSA","kid":"ed-1","kid":"ed-1"}"#)) == .malformed)
        #expect(Self.verdict(TestSigner.token(.edDSA, claims: #"{"iss":"a","iss":"b"}"#)) == .malformed)
        #expect(Self.verdict(String(repeating: "a", count: IDTokenVerifier.maxTokenBytes + 1)) == .tooLarge)
    }

    @Test func claimsAreCheckedAfterTheSignature() throws {
        func with(_ from: String, _ to: String) -> String {
            TestSigner.token(.es256k, claims: Self.claims.replacingOccurrences(of: from, with: to))
        }
        #expect(Self.verdict(with(#""aud":"7342037359""#, #""aud":["other","7342037359"]"#)) == nil)
        #expect(Self.verdict(with(#""aud":"7342037359""#, #""aud":"7342037358""#)) == .badClaim)
        #expect(Self.verdict(with(#""aud":"7342037359""#, #""aud":7342037359"#)) == .badClaim)
        #expect(Self.verdict(with("https://oauth.telegram.org", "https://oauth.telegram.org.evil")) == .badClaim)
        #expect(Self.verdict(with(#""sub":"opaque-sub","#, "")) == .badClaim)
        #expect(Self.verdict(with(#""exp":1800003590"#, #""exp":1799999900"#)) == .expired)
        #expect(Self.verdict(with(#""exp":1800003590"#, #""exp":1799999990"#)) == nil)  // within the 60 s skew
        #expect(Self.verdict(with(#""iat":1799999990"#, #""iat":1800000100"#)) == .futureAuthDate)
        #expect(Self.verdict(TestSigner.token(.es256k, claims: Self.claims), options: ValidationOptions(maxAge: 5, now: Self.now)) == .expired)
        #expect(Self.verdict(TestSigner.token(.es256k, claims: Self.claims), nonce: "n-0S6_WzA2Mj") == nil)
        #expect(Self.verdict(TestSigner.token(.es256k, claims: Self.claims), nonce: "n-0S6_WzA2Mk") == .badClaim)
        #expect(Self.verdict(with(#","nonce":"n-0S6_WzA2Mj""#, ""), nonce: "n-0S6_WzA2Mj") == .badClaim)
    }

    @Test func badKeysAreRefusedWhenTheSetIsRead() throws {
        func refused(_ jwk: String) -> Bool {
            kind { () throws(TelegramAuthError) in _ = try JSONWebKeySet(json: Array(#"{"keys":[\#(jwk)]}"#.utf8)) } == .invalidArgument
        }
        let small = TestSigner.evpKey("RSA", rsaBits: 1024)
        #expect(refused(TestSigner.rsaJWK(small, kid: "small")))
        #expect(refused(TestSigner.rsaJWK(TestSigner.rsa, kid: "x").replacingOccurrences(of: "RS256", with: "ES256")))
        func b64(_ x: some Collection<UInt8>) -> String { TestSigner.b64(x) }
        let p = TestSigner.ecPoint(TestSigner.p256)
        var offCurve = Array(p[33...]); offCurve[31] ^= 1
        #expect(refused(#"{"kty":"EC","crv":"P-256","kid":"p","x":"\#(b64(p[1..<33]))","y":"\#(b64(offCurve))"}"#))
        #expect(refused(#"{"kty":"EC","crv":"secp256k1","kid":"k","x":"\#(b64(p[1..<33]))","y":"\#(b64(offCurve))"}"#))
        #expect(refused(#"{"kty":"OKP","crv":"Ed25519","kid":"e","x":"\#(b64([UInt8](repeating: 0, count: 32)))"}"#))
        #expect(refused(#"{"kty":"oct","kid":"h","k":"c2VjcmV0"}"#))
        #expect(refused(#"{"kty":"EC","crv":"P-384","kid":"p3","x":"AA","y":"AA"}"#))
    }
}
