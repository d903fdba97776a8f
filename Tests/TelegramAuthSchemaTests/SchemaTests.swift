import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth
@testable import TelegramAuthOIDC

/// Walks `schema/results.json` and checks that every declared field reaches the Swift surfaces: the view
/// properties (through the generated `SchemaViews`) and the JSON output. The Python suite's
/// `test_schema.py` does the same for the C accessors, the records, the CLI and Python.
@Suite struct SchemaTests {
    @Test func everyInitDataFieldReachesTheViewsAndTheJSON() throws {
        let token = "123456:schema-test-token"
        let fields = SchemaCheck.topFields("InitData").filter { $0.0 != "auth_date" }.map { ($0.0, SchemaCheck.text($0.1)) }
        let signed = try TelegramSigning.signInitData(botToken: token, fields: fields, authDate: 100)
        let data = try MiniAppValidator(botToken: token).validate(signed, options: ValidationOptions(maxAge: nil, now: 200))
        var want = SchemaCheck.fullObject("InitData")
        let hash = try #require(data.hash)
        #expect(hash.count == 64)
        want["hash"] = hash  // the signer's, not the schema's value
        SchemaCheck.expectSame(SchemaViews.values(data), want, "InitData")
        SchemaCheck.expectJSON(data.jsonString, want, "InitData")
    }

    @Test func everyWidgetFieldReachesTheViewsAndTheJSON() throws {
        let token = "123456:schema-test-token"
        let fields = SchemaCheck.topFields("WidgetUser").filter { $0.0 != "auth_date" }.map { ($0.0, SchemaCheck.text($0.1)) }
        let signed = try TelegramSigning.signWidget(botToken: token, fields: fields, authDate: 100).map { ($0.key, $0.value) }
        let user = try LoginWidgetVerifier(botToken: token).verify(fields: signed, options: ValidationOptions(maxAge: nil, now: 200))
        let want = Dictionary(uniqueKeysWithValues: SchemaCheck.topFields("WidgetUser"))
        SchemaCheck.expectSame(SchemaViews.values(user), want, "WidgetUser")
        SchemaCheck.expectJSON(user.jsonString, want, "WidgetUser")
    }
}

extension SchemaTests {
    /// The id_token's declared claims, with the schema's values, plus the issuer and audience the check wants.
    static var idTokenClaims: [String: Any] {
        var claims = SchemaCheck.fullObject("IDToken")
        claims["iss"] = "https://oauth.telegram.org"
        claims["aud"] = "7342037359"
        return claims
    }

    @Test func everyIDTokenClaimReachesTheView() throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: Self.idTokenClaims), as: UTF8.self)
        let verified = try IDTokenVerifier(clientID: "7342037359", keys: try JSONWebKeySet(json: Array(TestSigner.jwks.utf8))).verify(TestSigner.token(.edDSA, claims: json), options: ValidationOptions(maxAge: nil, now: 110))
        SchemaCheck.expectSame(SchemaViews.values(verified.token), SchemaCheck.fullObject("IDToken"), "IDToken")
        SchemaCheck.expectJSON(verified.token.claimsJSON, Self.idTokenClaims, "IDToken claims")
    }
}
