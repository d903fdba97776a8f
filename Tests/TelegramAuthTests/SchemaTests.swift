import Foundation
import Testing

@testable import TelegramAuth
@testable import TelegramAuthOIDC

/// Walks `schema/results.json` and checks that every declared field reaches the Swift surfaces: the view
/// properties (through the generated `SchemaViews`) and the JSON output. The Python suite's
/// `test_schema.py` does the same for the C accessors, the records, the CLI and Python.
@Suite struct SchemaTests {
    struct Field {
        let name: String
        let type: String
        let flatten: [String]?
    }

    static let objects: [String: [Field]] = {
        let data = try! Data(contentsOf: repositoryRoot.appendingPathComponent("schema/results.json"))
        let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        var out: [String: [Field]] = [:]
        for o in root["objects"] as! [[String: Any]] {
            out[o["name"] as! String] = (o["fields"] as! [[String: Any]]).map {
                Field(name: $0["name"] as! String, type: $0["type"] as! String, flatten: $0["flatten"] as? [String])
            }
        }
        return out
    }()

    /// The value every suite gives a field: ints 100 + its index, numbers the index + 0.25, strings
    /// naming the field (with a space and a non-ASCII letter), flags true, objects every field of theirs.
    static func value(_ object: String, _ index: Int, _ field: Field) -> Any {
        switch field.type {
        case "int": 100 + index
        case "string": "\(object).\(field.name) ü"
        case "bool": true
        case "number": Double(index) + 0.25
        default: fullObject(field.type)
        }
    }

    static func fullObject(_ name: String) -> [String: Any] {
        var d: [String: Any] = [:]
        for (i, f) in objects[name]!.enumerated() { d[f.name] = value(name, i, f) }
        return d
    }

    /// The query-string fields of a top-level result (a flattened object's fields at the top level).
    static func topFields(_ name: String) -> [(String, Any)] {
        var out: [(String, Any)] = []
        for (i, f) in objects[name]!.enumerated() where f.name != "hash" {
            if let flatten = f.flatten {
                let nested = objects[f.type]!
                for n in flatten {
                    let k = nested.firstIndex { $0.name == n }!
                    out.append((n, value(f.type, k, nested[k])))
                }
            } else {
                out.append((f.name, value(name, i, f)))
            }
        }
        return out
    }

    static func text(_ v: Any) -> String {
        if let d = v as? [String: Any] {
            return String(decoding: try! JSONSerialization.data(withJSONObject: d, options: [.sortedKeys]), as: UTF8.self)
        }
        if let b = v as? Bool { return b ? "true" : "false" }
        return "\(v)"
    }

    /// Compares what a surface gave (`got`, by field name) with the schema's values, recursively.
    static func expectSame(_ got: [String: Any?], _ want: [String: Any], _ path: String) {
        #expect(Set(got.keys) == Set(want.keys), "\(path): the fields differ")
        for (k, w) in want {
            let g: Any? = got[k] ?? nil
            if let wd = w as? [String: Any] {
                let gd = g as? [String: Any?]
                #expect(gd != nil, "\(path).\(k) is absent")
                if let gd { expectSame(gd, wd, "\(path).\(k)") }
            } else if let b = w as? Bool {
                #expect(g as? Bool == b, "\(path).\(k): \(String(describing: g))")
            } else if let d = w as? Double {
                #expect(g as? Double == d, "\(path).\(k): \(String(describing: g))")
            } else if let i = w as? Int {
                #expect(g as? Int64 == Int64(i), "\(path).\(k): \(String(describing: g))")
            } else {
                #expect(g as? String == w as? String, "\(path).\(k): \(String(describing: g))")
            }
        }
    }

    static func expectJSON(_ json: String, _ want: [String: Any], _ path: String) {
        let got = try! JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        for (k, w) in want {
            #expect(got[k] != nil, "\(path): the JSON lacks \(k)")
            if let g = got[k] { #expect(text(g) == text(w), "\(path).\(k) in JSON: \(g)") }
        }
    }

    @Test func everyInitDataFieldReachesTheViewsAndTheJSON() throws {
        let token = "123456:schema-test-token"
        let fields = Self.topFields("InitData").filter { $0.0 != "auth_date" }.map { ($0.0, Self.text($0.1)) }
        let signed = try TelegramSigning.signInitData(botToken: token, fields: fields, authDate: 100)
        let data = try MiniAppValidator(botToken: token).validate(signed, options: ValidationOptions(maxAge: nil, now: 200))
        var want = Self.fullObject("InitData")
        let hash = try #require(data.hash)
        #expect(hash.count == 64)
        want["hash"] = hash  // the signer's, not the schema's value
        Self.expectSame(SchemaViews.values(data), want, "InitData")
        Self.expectJSON(data.jsonString, want, "InitData")
    }

    @Test func everyWidgetFieldReachesTheViewsAndTheJSON() throws {
        let token = "123456:schema-test-token"
        let fields = Self.topFields("WidgetUser").filter { $0.0 != "auth_date" }.map { ($0.0, Self.text($0.1)) }
        let signed = try TelegramSigning.signWidget(botToken: token, fields: fields, authDate: 100).map { ($0.key, $0.value) }
        let user = try LoginWidgetVerifier(botToken: token).verify(fields: signed, options: ValidationOptions(maxAge: nil, now: 200))
        let want = Dictionary(uniqueKeysWithValues: Self.topFields("WidgetUser"))
        Self.expectSame(SchemaViews.values(user), want, "WidgetUser")
        Self.expectJSON(user.jsonString, want, "WidgetUser")
    }
}

extension SchemaTests {
    /// The id_token's declared claims, with the schema's values, plus the issuer and audience the check wants.
    static var idTokenClaims: [String: Any] {
        var claims = fullObject("IDToken")
        claims["iss"] = "https://oauth.telegram.org"
        claims["aud"] = "7342037359"
        return claims
    }

    @Test func everyIDTokenClaimReachesTheView() throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: Self.idTokenClaims), as: UTF8.self)
        let verified = try OIDCTests.verifier.verify(TestSigner.token(.edDSA, claims: json), options: ValidationOptions(maxAge: nil, now: 110))
        Self.expectSame(SchemaViews.values(verified.token), Self.fullObject("IDToken"), "IDToken")
        Self.expectJSON(verified.token.claimsJSON, Self.idTokenClaims, "IDToken claims")
    }
}
