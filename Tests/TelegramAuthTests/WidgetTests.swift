import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

@Suite struct WidgetTests {
    let token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
    var verifier: LoginWidgetVerifier { try! LoginWidgetVerifier(botToken: token) }

    func signedFields(_ extra: [(String, String)] = []) -> [(key: String, value: String)] {
        try! TelegramSigning.signWidget(
            botToken: token, fields: [("id", "42"), ("first_name", "John"), ("username", "j")] + extra, authDate: 1_700_000_000)
    }

    func query(_ fields: [(key: String, value: String)]) -> String {
        fields.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
    }

    @Test func everyInputFormVerifies() throws {
        let fields = signedFields()
        let q = query(fields)
        let forms = [
            q,
            "?" + q,
            "myapp://telegram-callback?" + q,
            "https://example.com/auth?" + q + "#frag",
            "myapp://telegram-callback#" + q,
            TelegramSigning.widgetJSON(fields),
        ]
        for form in forms {
            let user = try verifier.verify(form, options: noAge)
            #expect(user.id == 42, "\(form)")
            #expect(user.firstName == "John")
            #expect(user.username == "j")
            #expect(user.lastName == nil)
            #expect(user.authDate == 1_700_000_000)
        }
        #expect(try verifier.verify(fields: fields.map { ($0.key, $0.value) }, options: noAge).id == 42)
        #expect(try verifier.verify(fields: Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) }), options: noAge).id == 42)
        // Telegram's OAuth redirect: #tgAuthResult=<base64 of the JSON>
        let b64 = Base64URL.encode(Array(TelegramSigning.widgetJSON(fields).utf8))
        #expect(try verifier.verify("https://example.com/#tgAuthResult=" + b64, options: noAge).id == 42)
    }

    @Test func laterFieldsTakePartAndAreKept() throws {
        let fields = signedFields([("new_thing", "v")])
        let user = try verifier.verify(query(fields), options: noAge)
        #expect(user.extras == [ExtraField(key: "new_thing", value: "v")])
        let dropped = fields.filter { $0.key != "new_thing" }
        #expect(kind { () throws(TelegramAuthError) in try verifier.verify(query(dropped), options: noAge) } == .badHash)
    }

    @Test func errors() {
        let fields = signedFields()
        func k(_ s: String, _ o: ValidationOptions = noAge) -> TelegramAuthError.Kind? {
            kind { () throws(TelegramAuthError) in try verifier.verify(s, options: o) }
        }
        #expect(k("") == .malformed)
        #expect(k("{") == .malformed)
        #expect(k(#"{"id":42,"x":{}}"#) == .malformed)
        #expect(k(query(fields.filter { $0.key != "hash" })) == .missingField)
        #expect(k(query(fields).replacingOccurrences(of: "John", with: "Jon")) == .badHash)
        #expect(k(query(fields), ValidationOptions(now: 1_800_000_000)) == .expired)
        #expect(k(query(fields), ValidationOptions(now: 1_600_000_000)) == .futureAuthDate)
        #expect(k(String(repeating: "a", count: 20_000)) == .tooLarge)
        let noFirst = try! TelegramSigning.signWidget(botToken: token, fields: [("id", "1")], authDate: 1)
        #expect(k(query(noFirst)) == .missingField)
        let badID = try! TelegramSigning.signWidget(botToken: token, fields: [("id", "x"), ("first_name", "A")], authDate: 1)
        #expect(k(query(badID)) == .malformed)
    }

    @Test func jsonNumbersAreCheckedAsWritten() throws {
        let fields = signedFields()
        let json = TelegramSigning.widgetJSON(fields)
        #expect(json.contains(#""id":42"#))
        #expect(try verifier.verify(json, options: noAge).id == 42)
        // 42.0 is not how the widget writes 42, so the check string differs
        let changed = json.replacingOccurrences(of: #""id":42"#, with: #""id":42.0"#)
        #expect(kind { () throws(TelegramAuthError) in try verifier.verify(changed, options: noAge) } == .badHash)
    }
}
