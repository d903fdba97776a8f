import COpenSSL
import CSecp256k1
import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth
@testable import TelegramAuthOIDC

@Suite struct OIDCTests {
    static let now: Int64 = 1_800_000_000
    static let claims = TestSigner.claims
    static let verifier = try! IDTokenVerifier(clientID: "7342037359", keys: try! JSONWebKeySet(json: Array(TestSigner.jwks.utf8)))
    static let options = ValidationOptions(maxAge: nil, now: now)

    static func verdict(_ token: String, nonce: String? = nil, options: ValidationOptions = options) -> TelegramAuthError.Kind? {
        kind { () throws(TelegramAuthError) in _ = try verifier.verify(token, nonce: nonce, options: options) }
    }

    /// One verifier, eight threads at once, every algorithm: the RSA and P-256 keys' shared verification
    /// contexts are only ever copied, so every token verifies and every tampered one fails.
    @Test func oneVerifierServesEightThreadsAtOnce() {
        let tokens = JWSAlgorithm.allCases.map { TestSigner.token($0, claims: Self.claims) }
        let tampered = JWSAlgorithm.allCases.map { TestSigner.token($0, claims: Self.claims) { s in var t = s; t[5] ^= 1; return t } }
        let wrong = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for i in 0..<100 {
                let k = (thread + i) % tokens.count
                if Self.verdict(tokens[k]) != nil || Self.verdict(tampered[k]) != .badSignature { wrong.withLock { $0 += 1 } }
            }
        }
        #expect(wrong.withLock { $0 } == 0)
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

    /// A refused signature or key leaves nothing on the thread's OpenSSL error queue: a host that shares its
    /// OpenSSL with the library (Node.js) would otherwise read the library's failure as its own next one.
    @Test func aRefusalLeavesNoOpenSSLErrorBehind() throws {
        ERR_clear_error()
        for alg in JWSAlgorithm.allCases {
            let flipped = TestSigner.token(alg, claims: Self.claims) { var s = $0; s[s.count - 1] ^= 1; return s }
            #expect(Self.verdict(flipped) == .badSignature)
            #expect(ERR_peek_error() == 0, "\(alg)")
        }
        let offCurve = #"{"keys":[{"kty":"EC","crv":"P-256","alg":"ES256","kid":"bad","x":"\#(TestSigner.b64([UInt8](repeating: 1, count: 32)))","y":"\#(TestSigner.b64([UInt8](repeating: 2, count: 32)))"}]}"#
        #expect(throws: TelegramAuthError.self) { try JSONWebKeySet(json: Array(offCurve.utf8)) }
        #expect(ERR_peek_error() == 0)
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
        // several audiences: this client's only as the authorized party (azp)
        #expect(Self.verdict(with(#""aud":"7342037359""#, #""aud":["other","7342037359"]"#)) == .badClaim)
        #expect(Self.verdict(with(#""aud":"7342037359""#, #""aud":["other","7342037359"],"azp":"7342037359""#)) == nil)
        #expect(Self.verdict(with(#""aud":"7342037359""#, #""aud":["7342037359"]"#)) == nil)
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
        defer { EVP_PKEY_free(small) }
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

@Suite struct AuthorizationCodeFlowTests {
    static let flow = try! AuthorizationCodeFlow(clientID: "7342037359", redirectURI: "https://app.example/callback", clientSecret: "s3cr3t")

    /// The query of a URL as (name, decoded value) pairs.
    static func query(_ url: String) -> [String: String] {
        let q = url.split(separator: "?", maxSplits: 1)[1]
        return Dictionary(uniqueKeysWithValues: q.split(separator: "&").map {
            let kv = $0.split(separator: "=", maxSplits: 1).map(String.init)
            return (kv[0], kv[1].removingPercentEncoding!)
        })
    }

    @Test func theChallengeIsRFC7636s() {
        // RFC 7636, appendix B
        #expect(AuthorizationCodeFlow.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func anAuthorizationRequestCarriesFreshStateNonceAndChallenge() throws {
        let a = try Self.flow.authorizationRequest(scopes: ["profile", "phone"])
        let b = try Self.flow.authorizationRequest()
        #expect(a.url.hasPrefix("https://oauth.telegram.org/auth?"))
        let q = Self.query(a.url)
        #expect(q["client_id"] == "7342037359" && q["redirect_uri"] == "https://app.example/callback")
        #expect(q["response_type"] == "code" && q["scope"] == "openid profile phone" && q["code_challenge_method"] == "S256")
        #expect(q["state"] == a.state && q["nonce"] == a.nonce && q["code_challenge"] == AuthorizationCodeFlow.challenge(a.codeVerifier))
        #expect(q["code_verifier"] == nil && !a.url.contains(a.codeVerifier))
        #expect(a.codeVerifier.utf8.count == 43 && a.state != b.state && a.codeVerifier != b.codeVerifier && a.nonce != b.nonce)
        #expect(try Self.flow.authorizationRequest(nonce: false).nonce == nil)
        #expect(kind { () throws(TelegramAuthError) in _ = try Self.flow.authorizationRequest(scopes: ["email"]) } == .invalidArgument)
        #expect(AuthorizationCodeFlow.checkState(a.state, expected: a.state) && !AuthorizationCodeFlow.checkState(b.state, expected: a.state))
        #expect(!AuthorizationCodeFlow.checkState(nil, expected: a.state))
    }

    @Test func theTokenRequestAuthenticatesWithBasicAndCarriesTheVerifier() throws {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let r = try Self.flow.tokenRequest(code: "c0de", codeVerifier: verifier)
        #expect(r.url == "https://oauth.telegram.org/token")
        let headers = Dictionary(uniqueKeysWithValues: r.headers)
        #expect(headers["Authorization"] == "Basic " + Data("7342037359:s3cr3t".utf8).base64EncodedString())
        #expect(headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(r.body == "grant_type=authorization_code&code=c0de&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&client_id=7342037359&code_verifier=\(verifier)")
        for bad in ["short", String(repeating: "a", count: 129), String(repeating: "a", count: 42) + "+"] {
            let k = kind { () throws(TelegramAuthError) in _ = try Self.flow.tokenRequest(code: "c", codeVerifier: bad) }
            #expect(k == .invalidArgument)
        }
        let publicClient = try AuthorizationCodeFlow(clientID: "1", redirectURI: "http://127.0.0.1:8080/cb")
        #expect(try publicClient.tokenRequest(code: "c", codeVerifier: verifier).headers.allSatisfy { $0.0 != "Authorization" })
        #expect(kind { () throws(TelegramAuthError) in _ = try AuthorizationCodeFlow(clientID: "1", redirectURI: "http://app/cb") } == .invalidArgument)
    }

    @Test func theTokenResponseIsReadAndOAuthErrorsAreTheirOwnKind() throws {
        let ok = try AuthorizationCodeFlow.tokenResponse(Array(#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"id_token":"a.b.c"}"#.utf8))
        #expect(ok.idToken == "a.b.c" && ok.accessToken == "at" && ok.expiresIn == 3600)
        do {
            _ = try AuthorizationCodeFlow.tokenResponse(Array(#"{"error":"invalid_grant","error_description":"code already used"}"#.utf8))
            Issue.record("an OAuth error was accepted")
        } catch {
            #expect(error.kind == .oauthError && error.detail.contains("invalid_grant") && error.detail.contains("code already used"))
        }
        #expect(kind { () throws(TelegramAuthError) in _ = try AuthorizationCodeFlow.tokenResponse(Array(#"{"access_token":"at"}"#.utf8)) } == .malformed)
        #expect(kind { () throws(TelegramAuthError) in _ = try AuthorizationCodeFlow.tokenResponse(Array("[]".utf8)) } == .malformed)
    }
}

@Suite struct IDTokenSignerTests {
    static func pem(_ key: OpaquePointer) -> [UInt8] {
        let bio = BIO_new(BIO_s_mem())
        defer { BIO_free(bio) }
        precondition(PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1)
        var out = [UInt8](repeating: 0, count: 8192)
        let n = BIO_read(bio, &out, Int32(out.count))
        return Array(out[..<Int(n)])
    }

    @Test func tokensOfEachKindVerifyWithTheSignersKeySet() throws {
        let signers = [
            try IDTokenSigner(algorithm: .rs256, keyID: "r", privateKeyPEM: Self.pem(TestSigner.rsa)),
            try IDTokenSigner(algorithm: .es256, keyID: "p", privateKeyPEM: Self.pem(TestSigner.p256)),
            try IDTokenSigner(algorithm: .edDSA, keyID: "e", seed: [UInt8](repeating: 7, count: 32)),
            try IDTokenSigner(algorithm: .es256k, keyID: "k", seed: [UInt8](repeating: 11, count: 32)),
        ]
        let set = try JSONWebKeySet(json: Array(#"{"keys":[\#(signers.map(\.publicJWK).joined(separator: ","))]}"#.utf8))
        let verifier = try IDTokenVerifier(clientID: "7342037359", keys: set)
        for signer in signers {
            let token = try signer.sign(claims: OIDCTests.claims)
            let verified = try verifier.verify(token, options: OIDCTests.options)
            #expect(verified.algorithm == signer.algorithm && verified.keyID == signer.keyID && verified.subject == "opaque-sub")
        }
    }

    @Test func keysOfTheWrongKindAreRefused() {
        func refused(_ make: () throws(TelegramAuthError) -> IDTokenSigner) -> Bool {
            kind { () throws(TelegramAuthError) in _ = try make() } == .invalidArgument
        }
        #expect(refused { () throws(TelegramAuthError) in try IDTokenSigner(algorithm: .rs256, keyID: "x", privateKeyPEM: Self.pem(TestSigner.p256)) })
        #expect(refused { () throws(TelegramAuthError) in try IDTokenSigner(algorithm: .es256, keyID: "x", privateKeyPEM: Self.pem(TestSigner.rsa)) })
        let small = TestSigner.evpKey("RSA", rsaBits: 1024)
        defer { EVP_PKEY_free(small) }
        #expect(refused { () throws(TelegramAuthError) in try IDTokenSigner(algorithm: .rs256, keyID: "x", privateKeyPEM: Self.pem(small)) })
        #expect(refused { () throws(TelegramAuthError) in try IDTokenSigner(algorithm: .es256k, keyID: "x", seed: [UInt8](repeating: 0, count: 32)) })
        #expect(refused { () throws(TelegramAuthError) in try IDTokenSigner(algorithm: .rs256, keyID: "x", seed: [UInt8](repeating: 1, count: 32)) })
        #expect(refused { () throws(TelegramAuthError) in try IDTokenSigner(algorithm: .edDSA, keyID: "x", privateKeyPEM: Array("junk".utf8)) })
    }
}

@Suite struct JOSEExampleTests {
    /// RFC 7515's RS256 (A.2) and ES256 (A.3) examples and RFC 8037's Ed25519 example (A.4): each key verifies its
    /// signature through the verifier's key type, and a changed signature or signing input does not.
    @Test(arguments: ["rfc7515_a2_rs256", "rfc7515_a3_es256", "rfc8037_a4_ed25519"])
    func aPublishedExampleVerifiesAndAChangedOneDoesNot(_ name: String) throws {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("tests/vectors/jose-rfc-examples.json"))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let example = try #require(root[name] as? [String: Any])
        var jwk = example["jwk"] as! [String: String]
        jwk["kid"] = name
        let key = try JSONWebKey(json: try JSONValue.parse(String(decoding: try JSONSerialization.data(withJSONObject: jwk), as: UTF8.self)))
        let parts = (example["compact"] as! String).split(separator: ".").map(String.init)
        let input = Array((parts[0] + "." + parts[1]).utf8)
        let signature = try #require(Base64URL.decodeUnpadded(parts[2].utf8))
        let header = try JSONValue.parse(try #require(Base64URL.decodeUnpadded(parts[0].utf8)))
        #expect(Base64URL.decodeUnpadded(parts[1].utf8) == Array((example["payload"] as! String).utf8))
        #expect(header["alg"]?.stringValue == key.algorithm.rawValue && key.isValidSignature(signature, for: input))
        var other = signature
        other[other.count / 2] ^= 1
        #expect(!key.isValidSignature(other, for: input) && !key.isValidSignature(signature, for: input + [0x20]))
    }
}
