import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

@Suite struct MiniAppTests {
    let validator = try! MiniAppValidator(botToken: testToken)

    func check(_ s: String, _ options: ValidationOptions = noAge) -> TelegramAuthError.Kind? {
        kind { () throws(TelegramAuthError) in try validator.validate(s, options: options) }
    }

    @Test func typedResultHasEveryField() throws {
        let receiver = #"{"id":991,"is_bot":false,"first_name":"R","last_name":"L","username":"ru","language_code":"de","is_premium":true,"added_to_attachment_menu":true,"allows_write_to_pm":false,"photo_url":"https:\/\/t.me\/r.svg"}"#
        let chat = #"{"id":-1001234567890,"type":"supergroup","title":"Chat \u00e9\ud83d\ude00","username":"c","photo_url":"p"}"#
        let s = signed([
            ("query_id", "Q1"), ("user", userJSON), ("receiver", receiver), ("chat", chat), ("chat_type", "supergroup"),
            ("chat_instance", "-3788475317572404878"), ("start_param", "ref_1"), ("can_send_after", "15"),
            ("new_field", "kept"),
        ])
        let d = try validator.validate(s, options: noAge)
        #expect(d.queryID == "Q1")
        #expect(d.user?.id == 279_058_397)
        #expect(d.user?.lastName == "Kibenko")
        #expect(d.user?.isPremium == true)
        #expect(d.user?.isBot == nil)
        #expect(d.receiver?.id == 991)
        #expect(d.receiver?.isBot == false)
        #expect(d.receiver?.addedToAttachmentMenu == true)
        #expect(d.receiver?.allowsWriteToPM == false)
        #expect(d.receiver?.languageCode == "de")
        #expect(d.receiver?.photoURL == "https://t.me/r.svg")
        #expect(d.chat?.id == -1_001_234_567_890)
        #expect(d.chat?.type == "supergroup")
        #expect(d.chat?.title == "Chat é😀")
        #expect(d.chatType == "supergroup")
        #expect(d.chatInstance == "-3788475317572404878")
        #expect(d.startParam == "ref_1")
        #expect(d.canSendAfter == 15)
        #expect(d.authDate == 1_700_000_000)
        #expect(d.extras == [ExtraField(key: "new_field", value: "kept")])
        #expect(d.hash?.count == 64)
    }

    @Test func idsAbove2To53AreExact() throws {
        let s = signed([("user", #"{"id":9007199254740993,"first_name":"Big"}"#)])
        #expect(try validator.validate(s, options: noAge).user?.id == 9_007_199_254_740_993)
    }

    @Test func unknownJSONMembersAreAccepted() throws {
        let s = signed([("user", #"{"id":1,"first_name":"A","future":{"x":[1,2.5e3,null,true,"s"]},"n":-0.5}"#)])
        #expect(try validator.validate(s, options: noAge).user?.firstName == "A")
    }

    @Test func authorizationHeaderForm() throws {
        let s = signed([("user", userJSON)])
        #expect(try validator.validate("tma " + s, options: noAge).user?.id == 279_058_397)
        #expect(try validator.validate("TMA  " + s, options: noAge).user?.id == 279_058_397)
    }

    @Test func plusIsASpaceAndEscapesAreDecodedBeforeTheCheck() throws {
        let s = signed([("start_param", "a b+c/%")])
        #expect(s.contains("%2B"))
        #expect(try validator.validate(s, options: noAge).startParam == "a b+c/%")
        // the same data written with '+' for the space still verifies
        let plus = s.replacingOccurrences(of: "a%20b", with: "a+b")
        #expect(try validator.validate(plus, options: noAge).startParam == "a b+c/%")
    }

    @Test func strictParsingRejectsMalformedInput() {
        let good = signed([("user", userJSON)])
        let cases: [(String, String)] = [
            ("", "empty input"),
            ("&", "stray"),
            (good + "&", "stray"),
            ("a&" + good, "no '='"),
            ("=x&" + good, "empty key"),
            (good + "&auth_date=1", "duplicate key"),
            ("x=%zz&" + good, "bad percent-escape"),
            ("x=%4&" + good, "truncated percent-escape"),
            ("x=%ff&" + good, "invalid UTF-8"),
            ("x=%00&" + good, "NUL byte"),
            (good.replacingOccurrences(of: "hash=", with: "hash=A"), "64 lowercase"),
            (good.dropLast(1) + "", "64 lowercase"),
        ]
        for (input, fragment) in cases {
            let e = error { () throws(TelegramAuthError) in try validator.validate(input, options: noAge) }
            #expect(e?.kind == .malformed, "\(input)")
            #expect(e?.detail.contains(fragment) == true, "\(e?.detail ?? "nil") should mention \(fragment)")
        }
        let upper = good.replacingOccurrences(of: String(good.suffix(64)), with: String(good.suffix(64)).uppercased())
        #expect(check(upper) == .malformed)
    }

    @Test func malformedJSONIsNamed() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let cases: [(String, String)] = [
            (#"{"id":1,"first_name":"A""#, "user"),
            (#"{"id":"1","first_name":"A"}"#, "user.id"),
            (#"{"id":1,"first_name":"A","x":\#(deep)}"#, "nesting"),
            (#"{"id":92233720368547758070,"first_name":"A"}"#, "64 bits"),
            (#"{"id":1.5,"first_name":"A"}"#, "64 bits"),
            (#"{"id":1,"id":2,"first_name":"A"}"#, "duplicate"),
            (#"{"id":1,"first_name":"\ud800"}"#, "surrogate"),
            (#"{"id":1,"first_name":"A"} x"#, "trailing"),
        ]
        for (json, fragment) in cases {
            let big = ValidationOptions(maxAge: nil, maxInputBytes: 1 << 20)
            let e = error { () throws(TelegramAuthError) in try validator.validate(signed([("user", json)]), options: big) }
            #expect(e?.kind == .malformed, "\(json.prefix(60))")
            #expect(e?.detail.contains(fragment) == true, "\(e?.detail ?? "nil") should mention \(fragment)")
        }
        let noID = error { () throws(TelegramAuthError) in try validator.validate(signed([("user", #"{"first_name":"A"}"#)]), options: noAge) }
        #expect(noID?.kind == .missingField)
        #expect(noID?.field == "user.id")
    }

    @Test func missingFields() {
        let good = signed([("user", userJSON)])
        let noHash = String(good[..<good.range(of: "&hash=")!.lowerBound])
        #expect(check(noHash) == .missingField)
        let noAuth = try! TelegramSigning.signInitData(botToken: testToken, fields: [("a", "b")], authDate: 5)
            .replacingOccurrences(of: "auth_date", with: "auth_datf")
        #expect(check(noAuth) == .badHash)
    }

    @Test func everySingleByteChangeIsRejected() {
        let good = signed([("user", userJSON), ("query_id", "AAHdF6IQ")])
        let bytes = Array(good.utf8)
        for i in bytes.indices {
            var changed = bytes
            changed[i] = changed[i] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            #expect(check(String(decoding: changed, as: UTF8.self)) != nil, "byte \(i)")
        }
    }

    @Test func timeWindow() {
        let s = signed([("user", userJSON)], authDate: 1_000_000)
        #expect(check(s, ValidationOptions(now: 1_000_000 + 86_400)) == nil)
        #expect(check(s, ValidationOptions(now: 1_000_000 + 86_401)) == .expired)
        #expect(check(s, ValidationOptions(maxAge: 10, now: 1_000_011)) == .expired)
        #expect(check(s, ValidationOptions(maxAge: nil, now: 9_000_000_000)) == nil)
        #expect(check(s, ValidationOptions(maxAge: 0, now: 9_000_000_000)) == nil)
        #expect(check(s, ValidationOptions(now: 1_000_000 - 60)) == nil)
        #expect(check(s, ValidationOptions(now: 1_000_000 - 61)) == .futureAuthDate)
        #expect(check(s, ValidationOptions(futureSkew: 120, now: 1_000_000 - 61)) == nil)
        // the system clock: data signed now verifies, data from 2001 does not
        #expect(check(signed([("user", userJSON)], authDate: SystemClock.unixTime()), .default) == nil)
        #expect(check(s, .default) == .expired)
    }

    /// With the system clock: the verdicts a few seconds either side of each limit.
    @Test func systemClockVerdictsNearTheLimits() {
        let now = SystemClock.unixTime()
        let options = ValidationOptions(maxAge: 100, futureSkew: 30)
        func verdict(_ authDate: Int64) -> TelegramAuthError.Kind? {
            kind { () throws(TelegramAuthError) in try options.checkTime(authDate: authDate) }
        }
        #expect(verdict(now) == nil)
        #expect(verdict(now - 95) == nil)
        #expect(verdict(now - 103) == .expired)
        #expect(verdict(now + 27) == nil)
        #expect(verdict(now + 33) == .futureAuthDate)
        // skew 0: data stamped this very second passes, one a few seconds ahead does not
        #expect(kind { () throws(TelegramAuthError) in try ValidationOptions(futureSkew: 0).checkTime(authDate: now) } == nil)
        #expect(kind { () throws(TelegramAuthError) in try ValidationOptions(futureSkew: 0).checkTime(authDate: now + 3) }
            == .futureAuthDate)
    }

    /// Times at the ends of 64 bits: exact verdicts and messages, no overflow trap.
    @Test func extremeTimesGiveExactVerdicts() throws {
        let s = signed([("user", userJSON)], authDate: 1_000_000)
        let future = error { () throws(TelegramAuthError) in try validator.validate(s, options: ValidationOptions(maxAge: nil, now: .min)) }
        #expect(future?.kind == .futureAuthDate)
        #expect(future?.detail.contains("auth_date is \(Int128(1_000_000) - Int128(Int64.min)) s ahead of now") == true)
        let old = error { () throws(TelegramAuthError) in try validator.validate(s, options: ValidationOptions(now: .max)) }
        #expect(old?.kind == .expired && old?.detail.contains("auth_date is \(Int64.max - 1_000_000) s old") == true)
        #expect(check(s, ValidationOptions(maxAge: .max, futureSkew: .max, now: .max, maxInputBytes: .max)) == nil)
        #expect(check(s, ValidationOptions(maxAge: nil, futureSkew: .max, now: 1)) == nil)
        #expect(check(s, ValidationOptions(maxAge: .min)) == .invalidArgument)
        #expect(check(s, ValidationOptions(futureSkew: .min)) == .invalidArgument)
    }

    /// Control characters from the input are written out in every message and field.
    @Test func messagesEscapeControlCharacters() throws {
        let e = error { () throws(TelegramAuthError) in try validator.validate("a%0D%1B%5B31mFAKE=1&a%0D%1B%5B31mFAKE=2") }
        #expect(e?.kind == .malformed && e?.detail.contains(#"a\r\x1b[31mFAKE"#) == true)
        for input in ["a%0D%1B%5B31mFAKE", "x%7F%0A=%FF", "a%C2%85b=1&a%C2%85b=2", "a%E2%80%A8=1&a%E2%80%A8=2"] {
            let e = error { () throws(TelegramAuthError) in try validator.validate(input) }
            for text in [e?.detail ?? "", e?.field ?? ""] {
                #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0 == "\u{2028}" }, "\(text)")
            }
        }
        #expect(TelegramAuthError.escapingControlCharacters("a\tb\nc\rd\u{1B}e\u{7F}\u{85}\u{2029}é") == #"a\tb\nc\rd\x1be\x7f\u{85}\u{2029}é"#)
        #expect(TelegramAuthError(.malformed, field: "x\ny", "ok").field == #"x\ny"#)
    }

    @Test func negativeOrHugeAuthDateIsMalformed() {
        for value in ["-5", "9223372036854775808", "1e9", "", "01", " 1"] {
            // honestly signed, so that only the form of auth_date is at fault
            let input = resign([("user", userJSON), ("auth_date", value)])
            let e = error { () throws(TelegramAuthError) in try validator.validate(input, options: noAge) }
            #expect(e?.kind == .malformed, "auth_date=\(value)")
            #expect(e?.field == "auth_date")
        }
    }

    @Test func sizeLimit() {
        let s = signed([("start_param", String(repeating: "a", count: 20_000))])
        #expect(check(s) == .tooLarge)
        #expect(check(s, ValidationOptions(maxAge: nil, maxInputBytes: 64 * 1024)) == nil)
        #expect(check("x", ValidationOptions(maxInputBytes: 0)) == .invalidArgument)
    }

    @Test func wrongTokenIsBadHash() throws {
        let other = try MiniAppValidator(botToken: "1:other")
        #expect(kind { () throws(TelegramAuthError) in try other.validate(signed([("user", userJSON)]), options: noAge) } == .badHash)
    }

    @Test func invalidArguments() {
        #expect(kind { () throws(TelegramAuthError) in try MiniAppValidator(botToken: "") } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try LoginWidgetVerifier(botToken: "") } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try ThirdPartyValidator(botID: 0) } == .invalidArgument)
        #expect(kind { () throws(TelegramAuthError) in try validator.validate("a=b", options: ValidationOptions(maxAge: -1)) } == .invalidArgument)
    }

    @Test func noErrorMessageContainsTheToken() {
        let token = "123456:SECRET-token-value"
        let v = try! MiniAppValidator(botToken: token)
        let inputs = ["", "&", "a=b", "hash=" + String(repeating: "0", count: 64) + "&auth_date=1", signed([("user", userJSON)])]
        for input in inputs {
            let e = error { () throws(TelegramAuthError) in try v.validate(input, options: noAge) }
            #expect(e != nil)
            #expect(!(e?.description.contains("SECRET") ?? true))
        }
    }
}

func resign(_ pairs: [(String, String)]) -> String {
    let secret = TelegramSecrets.miniAppSecret(botToken: testToken)
    let dcs = pairs.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
    let hash = Hex.encode(HMACKey(key: secret).authenticate(dcs.utf8))
    return (pairs + [("hash", hash)]).map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
}

