import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

@Suite struct CacheTests {
    let priv = try! Ed25519PrivateKey(seed: [UInt8](repeating: 9, count: 32))
    let authDate: Int64 = 1_700_000_000

    func sign(_ name: String, botID: Int64 = 42) -> String {
        try! TelegramSigning.signInitData(
            botToken: testToken, fields: [("user", #"{"id":7,"first_name":"\#(name)"}"#)], authDate: authDate,
            ed25519PrivateKey: priv, botID: botID)
    }

    func at(_ t: Int64, maxAge: Int64? = 3600, maxInputBytes: Int = 16_384) -> ValidationOptions {
        ValidationOptions(maxAge: maxAge, now: t, maxInputBytes: maxInputBytes)
    }

    @Test func aRepeatedInputIsAHitWithTheSameResult() throws {
        let v = try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: 8)
        let data = sign("Ann")
        let first = try v.validate(data, options: at(authDate + 5))
        #expect(v.cache.statistics == CacheStatistics(hits: 0, misses: 1, count: 1, capacity: 8))
        let second = try v.validate(data, options: at(authDate + 6))
        #expect(v.cache.statistics.hits == 1)
        #expect(second.user?.firstName == "Ann" && second.authDate == first.authDate && second.signature == first.signature)
        // the Authorization header form is the same input
        _ = try v.validate("tma " + data, options: at(authDate + 7))
        #expect(v.cache.statistics.hits == 2)
        // copies of the validator share the cache
        let copy = v
        _ = try copy.validate(data, options: at(authDate + 8))
        #expect(v.cache.statistics.hits == 3)
    }

    @Test func theTimeWindowAndSizeAreCheckedOnEveryHit() throws {
        let v = try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: 8)
        let data = sign("Ann")
        _ = try v.validate(data, options: at(authDate + 10))
        #expect(kind { () throws(TelegramAuthError) in try v.validate(data, options: at(authDate - 3600)) } == .futureAuthDate)
        #expect(kind { () throws(TelegramAuthError) in try v.validate(data, options: at(authDate + 10, maxInputBytes: 100)) } == .tooLarge)
        #expect(v.cache.statistics.count == 1)
        #expect(kind { () throws(TelegramAuthError) in try v.validate(data, options: at(authDate + 7200)) } == .expired)
        // an expired result is dropped; with no age limit the data is verified afresh and valid again
        #expect(v.cache.statistics.count == 0)
        let misses = v.cache.statistics.misses
        #expect(try v.validate(data, options: at(authDate + 7200, maxAge: nil)).user?.firstName == "Ann")
        #expect(v.cache.statistics.misses == misses + 1)
    }

    @Test func rejectionsAreNeverCached() throws {
        let v = try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: 8)
        let data = sign("Ann")
        let tampered = data.replacingOccurrences(of: "Ann", with: "Bob")
        for _ in 0..<3 {
            #expect(kind { () throws(TelegramAuthError) in try v.validate(tampered, options: at(authDate)) } == .badSignature)
        }
        let other = try ThirdPartyValidator(botID: 43, publicKey: priv.publicKey, cacheCapacity: 8)
        #expect(kind { () throws(TelegramAuthError) in try other.validate(data, options: at(authDate)) } == .badSignature)
        #expect(v.cache.statistics.count == 0 && v.cache.statistics.hits == 0)
        #expect(other.cache.statistics.count == 0)
    }

    @Test func theKeyCoversPublicKeySignatureAndSignedMessage() throws {
        func key(_ publicKey: Ed25519PublicKey, _ signature: [UInt8], _ message: String) -> VerifiedSignatureCache.Key {
            signature.withUnsafeBytes { sig in
                Array(message.utf8).withUnsafeBytes { VerifiedSignatureCache.key(publicKey: publicKey.rawRepresentation, signature: sig, message: $0) }
            }
        }
        let sig = [UInt8](repeating: 1, count: 64)
        var otherSig = sig
        otherSig[63] = 2
        #expect(key(priv.publicKey, sig, "42:WebAppData\na=1") == key(priv.publicKey, sig, "42:WebAppData\na=1"))
        #expect(key(priv.publicKey, sig, "42:WebAppData\na=1") != key(.telegramTest, sig, "42:WebAppData\na=1"))
        #expect(key(priv.publicKey, sig, "42:WebAppData\na=1") != key(priv.publicKey, otherSig, "42:WebAppData\na=1"))
        #expect(key(priv.publicKey, sig, "42:WebAppData\na=1") != key(priv.publicKey, sig, "43:WebAppData\na=1"))
        #expect(key(priv.publicKey, sig, "42:WebAppData\na=1") != key(priv.publicKey, sig, "42:WebAppData\na=2"))
    }

    /// `hash` is not signed in third-party data: 2048 variants of one payload, each with another `hash`
    /// (and the signature percent-encoded), share one entry, and the real entries stay hits.
    @Test func hashVariantsShareOneEntryAndFlushNothing() throws {
        let v = try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: 4)
        let original = sign("Ann")
        let others = [sign("Bob"), sign("Cy")]
        _ = try v.validate(original, options: at(authDate))
        for o in others { _ = try v.validate(o, options: at(authDate)) }
        let unhashed = original.split(separator: "&").filter { !$0.hasPrefix("hash=") }.joined(separator: "&")
        let signature = rawValue(original, "signature")
        for i in 0..<2048 {
            var variant = unhashed + "&hash=" + String(repeating: "0", count: 56) + Hex.encode(withUnsafeBytes(of: UInt32(i).bigEndian, Array.init))
            if i % 2 == 1 {
                variant = variant.replacingOccurrences(of: signature, with: "%" + Hex.encode([signature.utf8.first!]) + signature.dropFirst())
            }
            #expect(try v.validate(variant, options: at(authDate)).user?.firstName == "Ann")
        }
        #expect(v.cache.statistics.count == 3)
        let hits = v.cache.statistics.hits
        for o in [original] + others { _ = try v.validate(o, options: at(authDate)) }
        #expect(v.cache.statistics.hits == hits + 3)
        // a hit is still a fresh parse: a malformed hash is refused even though the signature is known
        #expect(kind { () throws(TelegramAuthError) in try v.validate(unhashed + "&hash=XYZ", options: at(authDate)) } == .malformed)
    }

    @Test func capacityZeroTurnsTheCacheOff() throws {
        let v = try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: 0)
        let data = sign("Ann")
        for _ in 0..<3 { _ = try v.validate(data, options: at(authDate)) }
        #expect(v.cache.statistics == CacheStatistics(hits: 0, misses: 0, count: 0, capacity: 0))
        v.cache.setCapacity(4)
        for _ in 0..<3 { _ = try v.validate(data, options: at(authDate)) }
        #expect(v.cache.statistics == CacheStatistics(hits: 2, misses: 1, count: 1, capacity: 4))
        v.cache.setCapacity(0)
        #expect(v.cache.statistics.count == 0)
        #expect(kind { () throws(TelegramAuthError) in try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: -1) } == .invalidArgument)
    }

    @Test func theLeastRecentlyUsedResultMakesRoom() throws {
        let v = try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: 2)
        let (a, b, c) = (sign("A"), sign("B"), sign("C"))
        _ = try v.validate(a, options: at(authDate))
        _ = try v.validate(b, options: at(authDate))
        _ = try v.validate(a, options: at(authDate))  // A is now the most recent
        _ = try v.validate(c, options: at(authDate))  // evicts B
        #expect(v.cache.statistics.count == 2)
        let hits = v.cache.statistics.hits
        _ = try v.validate(a, options: at(authDate))
        _ = try v.validate(c, options: at(authDate))
        #expect(v.cache.statistics.hits == hits + 2)
        #expect(try v.validate(b, options: at(authDate)).user?.firstName == "B")
        #expect(v.cache.statistics.hits == hits + 2)  // B was a miss
        // shrinking keeps the most recent (B, then C)
        v.cache.setCapacity(1)
        #expect(v.cache.statistics.count == 1)
        _ = try v.validate(b, options: at(authDate))
        #expect(v.cache.statistics.hits == hits + 3)
    }

    @Test func concurrentValidationsShareOneCache() throws {
        let v = try ThirdPartyValidator(botID: 42, publicKey: priv.publicKey, cacheCapacity: 3)
        let inputs = (0..<5).map { sign("U\($0)") }
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<100 {
                let n = (worker + i) % inputs.count
                let name = try? v.validate(inputs[n], options: at(authDate)).user?.firstName
                if name != "U\(n)" { failures.add() }
            }
        }
        #expect(failures.value == 0)
        let s = v.cache.statistics
        // a cycle of 5 inputs through 3 slots may thrash the LRU (no hits): only the totals are certain
        #expect(s.hits + s.misses == 800 && s.count <= 3)
        _ = try v.validate(inputs[0], options: at(authDate))
        _ = try v.validate(inputs[0], options: at(authDate))
        #expect(v.cache.statistics.hits >= s.hits + 1)
    }
}
