import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

func hexBytes(_ s: String) -> [UInt8] { Hex.decode(s.utf8)! }

/// RFC 8032 section 7.1 (Ed25519): secret key, public key, message, signature.
let rfc8032Vectors: [(seed: String, publicKey: String, message: String, signature: String)] = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
]

/// The group order L, little-endian: adding it to a valid S gives the same point but a non-canonical S.
let groupOrderL = hexBytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

func addingGroupOrder(toSOf signature: [UInt8]) -> [UInt8] {
    var out = signature
    var carry: UInt16 = 0
    for i in 0..<32 {
        let sum = UInt16(out[32 + i]) + UInt16(groupOrderL[i]) + carry
        out[32 + i] = UInt8(sum & 0xff)
        carry = sum >> 8
    }
    precondition(carry == 0)
    return out
}

/// The neutral element's encoding (y = 1): a public key or R of small order.
let identityPoint: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)

@Suite struct Ed25519Tests {
    @Test func rfc8032VectorsVerifyAndSignDeterministically() throws {
        for v in rfc8032Vectors {
            let key = try Ed25519PublicKey(hex: v.publicKey)
            let message = hexBytes(v.message.isEmpty ? "" : v.message)
            let signature = hexBytes(v.signature)
            #expect(key.isValidSignature(signature, for: message), "RFC 8032 vector \(v.publicKey.prefix(8))")
            // the private seed derives the published key and, Ed25519 being deterministic, the same signature
            let priv = try Ed25519PrivateKey(hex: v.seed)
            #expect(priv.publicKey == key)
            #expect(priv.signature(for: message) == signature)
            // any flipped bit in the message, R, S or the key fails
            if !message.isEmpty {
                var m = message
                m[m.count - 1] ^= 0x01
                #expect(!key.isValidSignature(signature, for: m))
            }
            for byte in [0, 31, 32, 63] {
                var s = signature
                s[byte] ^= 0x04
                #expect(!key.isValidSignature(s, for: message), "bit flip at \(byte)")
            }
            // a flipped key bit gives another point (the signature fails) or no usable point (refused)
            var otherKey = key.rawRepresentation
            otherKey[5] ^= 0x10
            if let other = try? Ed25519PublicKey(rawRepresentation: otherKey) {
                #expect(!other.isValidSignature(signature, for: message))
            }
        }
    }

    @Test func nonCanonicalSIsRejected() throws {
        let v = rfc8032Vectors[1]
        let key = try Ed25519PublicKey(hex: v.publicKey)
        let malleated = addingGroupOrder(toSOf: hexBytes(v.signature))
        #expect(malleated != hexBytes(v.signature))
        #expect(!key.isValidSignature(malleated, for: hexBytes(v.message)))
    }

    @Test func smallOrderKeyAndRAreRejected() throws {
        // With A and R the neutral element and S = 0, the verification equation [S]B = R + [k]A holds for
        // every message; only a verifier that refuses small-order points rejects it. Such a key is refused
        // when it is imported.
        #expect(kind { () throws(TelegramAuthError) in try Ed25519PublicKey(rawRepresentation: identityPoint) } == .invalidArgument)
        // every other point of small order (order 2, 4 and 8; y = -1, y = 0, and the order-8 points)
        let smallOrder = [
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        ]
        for hex in smallOrder {
            #expect(kind { () throws(TelegramAuthError) in try Ed25519PublicKey(hex: hex) } == .invalidArgument, "\(hex)")
        }
        // a genuine key with a small-order R and S = 0, and with R = identity and S = 1
        let key = try Ed25519PublicKey(hex: rfc8032Vectors[0].publicKey)
        let forged = identityPoint + [UInt8](repeating: 0, count: 32)
        #expect(!key.isValidSignature(forged, for: []))
        #expect(!key.isValidSignature(identityPoint + [1] + [UInt8](repeating: 0, count: 31), for: []))
        for hex in smallOrder {
            #expect(!key.isValidSignature(hexBytes(hex) + [UInt8](repeating: 0, count: 32), for: Array("m".utf8)))
        }
        // a non-canonical key encoding (y >= p) is refused
        let nonCanonical = [UInt8](repeating: 0xff, count: 31) + [0x7f]
        #expect(kind { () throws(TelegramAuthError) in try Ed25519PublicKey(rawRepresentation: nonCanonical) } == .invalidArgument)
        // a non-canonical R: the genuine R with its sign bit set on a point whose x is 0 never matches
        var flippedR = hexBytes(rfc8032Vectors[0].signature)
        flippedR[31] ^= 0x80
        #expect(!key.isValidSignature(flippedR, for: []))
    }

    @Test func wrongLengthsAreRefused() throws {
        let v = rfc8032Vectors[0]
        let key = try Ed25519PublicKey(hex: v.publicKey)
        let signature = hexBytes(v.signature)
        #expect(!key.isValidSignature(Array(signature.dropLast()), for: []))
        #expect(!key.isValidSignature(signature + [0], for: []))
        #expect(!key.isValidSignature([], for: []))
        #expect(kind { () throws(TelegramAuthError) in try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33)) } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try Ed25519PublicKey(hex: "abcd") } == .invalidArgument)
    }

    /// The edge cases again, end to end: as the `signature` of initData checked by the third-party validator.
    @Test func edgeCasesThroughThirdPartyValidation() throws {
        let priv = try Ed25519PrivateKey(hex: rfc8032Vectors[2].seed)
        let data = try TelegramSigning.signInitData(
            botToken: testToken, fields: [("user", userJSON)], authDate: 1_700_000_000, ed25519PrivateKey: priv, botID: 42)
        let validator = try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: 0)
        #expect(try validator.validate(data, options: noAge).user?.id == 279058397)

        let signature = try #require(validator.validate(data, options: noAge).signature)
        var raw = [UInt8](repeating: 0, count: 66)
        let n = Array(signature.utf8).withUnsafeBufferPointer { s in raw.withUnsafeMutableBufferPointer { Base64URL.decode(s, into: $0) } }
        #expect(n == 64)
        func replacingSignature(_ bytes: [UInt8]) -> String {
            data.replacingOccurrences(of: "signature=" + signature, with: "signature=" + Base64URL.encode(bytes))
        }
        let malleated = replacingSignature(addingGroupOrder(toSOf: Array(raw[0..<64])))
        #expect(malleated != data)
        #expect(kind { () throws(TelegramAuthError) in try validator.validate(malleated, options: noAge) } == .badSignature)

        // a small-order key cannot be used at all; a small-order R (with S = 0) against the real key fails
        #expect(kind { () throws(TelegramAuthError) in
            try ThirdPartyValidator(botID: 42, publicKey: Ed25519PublicKey(rawRepresentation: identityPoint), cacheCapacity: 0)
        } == .invalidArgument)
        let forged = replacingSignature(identityPoint + [UInt8](repeating: 0, count: 32))
        #expect(kind { () throws(TelegramAuthError) in try validator.validate(forged, options: noAge) } == .badSignature)

        let short = replacingSignature(Array(raw[0..<63]))
        #expect(error { () throws(TelegramAuthError) in try validator.validate(short, options: noAge) }?.field == "signature")
        #expect(kind { () throws(TelegramAuthError) in try validator.validate(short, options: noAge) } == .malformed)
    }
}
