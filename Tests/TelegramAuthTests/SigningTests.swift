import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

@Suite struct SigningTests {
    @Test func signedInitDataRoundTripsThroughBothValidators() throws {
        let key = try Ed25519PrivateKey(hex: Vectors.thirdParty[1]["private_key_seed_hex"] as! String)
        let s = try TelegramSigning.signInitData(
            botToken: testToken, fields: [("user", userJSON), ("query_id", "q")], authDate: 1_700_000_000,
            ed25519PrivateKey: key, botID: 42)
        let hmac = try MiniAppValidator(botToken: testToken).validate(s, options: noAge)
        #expect(hmac.user?.username == "vdkfrost")
        let ed = try ThirdPartyValidator(botID: 42, publicKey: key.publicKey).validate(s, options: noAge)
        #expect(ed.signature == hmac.signature)
        #expect(kind { () throws(TelegramAuthError) in try ThirdPartyValidator(botID: 43, publicKey: key.publicKey).validate(s, options: noAge) } == .badSignature)
    }

    @Test func reproducesTheSharedVectorHash() throws {
        // the third vector's fields, re-signed, give the published hash
        let vector = Vectors.miniApp[2]
        let original = vector["init_data"] as! String
        let pairs = original.split(separator: "&").map { part -> (String, String) in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(kv[0]), String(kv[1]))
        }
        let validator = try MiniAppValidator(botToken: vector["bot_token"] as! String)
        let parsed = try validator.validate(original, options: noAge)
        let fields = pairs.filter { !["hash", "auth_date"].contains($0.0) }.map { p -> (String, String) in
            switch p.0 {
            case "user": (p.0, parsed.user!.rawForTest(in: original, key: "user"))
            case "receiver": (p.0, parsed.receiver!.rawForTest(in: original, key: "receiver"))
            case "chat": (p.0, rawValue(original, "chat"))
            default: (p.0, rawValue(original, p.0))
            }
        }
        let resigned = try TelegramSigning.signInitData(botToken: vector["bot_token"] as! String, fields: fields, authDate: 1)
        #expect(resigned.hasSuffix("hash=" + parsed.hash!))
    }

    @Test func signingRejectsBadArguments() {
        #expect(kind { () throws(TelegramAuthError) in try TelegramSigning.signInitData(botToken: "", fields: [], authDate: 1) } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try TelegramSigning.signInitData(botToken: "t", fields: [("hash", "x")], authDate: 1) } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try TelegramSigning.signInitData(botToken: "t", fields: [("a", "1"), ("a", "2")], authDate: 1) } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try TelegramSigning.signWidget(botToken: "t", fields: [("", "1")], authDate: 1) } == .invalidArgument)
        let key = try! Ed25519PrivateKey(seed: [UInt8](repeating: 7, count: 32))
        #expect(kind { () throws(TelegramAuthError) in try TelegramSigning.signInitData(botToken: "t", fields: [], authDate: 1, ed25519PrivateKey: key) } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try Ed25519PrivateKey(seed: [1, 2, 3]) } == .invalidArgument)
    }

    @Test func base64urlIsStrict() {
        func decode(_ s: String) -> Int? {
            var out = [UInt8](repeating: 0, count: 80)
            return Array(s.utf8).withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { Base64URL.decode(src, into: $0) } }
        }
        let sig = Base64URL.encode([UInt8](repeating: 0xAB, count: 64))
        #expect(sig.count == 86)
        #expect(decode(sig) == 64)
        #expect(decode(sig + "==") == 64)
        #expect(decode(sig + "=") == nil)
        #expect(decode(sig.replacingOccurrences(of: "q", with: "+")) == nil)
        #expect(decode(String(sig.dropLast())) == nil)
        // a non-zero unused tail bit is a second spelling of the same bytes, refused
        var tail = Array(sig.utf8)
        tail[85] = UInt8(ascii: "x")
        #expect(decode(String(decoding: tail, as: UTF8.self)) == nil)
    }
}

func rawValue(_ query: String, _ key: String) -> String {
    for part in query.split(separator: "&") {
        let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        if kv[0] == key { return String(kv[1]).removingPercentEncodingForTest }
    }
    return ""
}

extension WebAppUser {
    func rawForTest(in query: String, key: String) -> String { rawValue(query, key) }
}

extension String {
    var removingPercentEncodingForTest: String {
        var out: [UInt8] = []
        var bytes = Array(utf8)[...]
        while let c = bytes.popFirst() {
            if c == UInt8(ascii: "%"), bytes.count >= 2, let v = Hex.decode(Array(bytes.prefix(2))) {
                out.append(v[0])
                bytes = bytes.dropFirst(2)
            } else {
                out.append(c == UInt8(ascii: "+") ? 0x20 : c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
