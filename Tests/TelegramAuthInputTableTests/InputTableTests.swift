import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth
@testable import TelegramAuthDeepLink
@testable import TelegramAuthOIDC

/// One row of `tests/inputs/cases.tsv`, the input table that every suite reads: a bad input and the
/// error kind it gets (docs/security.md's table), or a kind's input holding every field the schema declares
/// and the result it gives, field by field (the schema walk of each surface).
struct InputRow: CustomTestStringConvertible, Sendable {
    let name: String
    let target: String
    let now: Int64
    let maxBytes: Int
    let expect: String
    let input: [UInt8]
    /// An accepted row's result: every field, as the generated views and the JSON output carry them.
    let result: FieldValue?
    var testDescription: String { "\(name) (\(target))" }

    static let token = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
    static let webhookSecret = "bad-input-secret"

    static let all: [InputRow] = {
        let text = try! String(contentsOf: repositoryRoot.appendingPathComponent("tests/inputs/cases.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            precondition(f.count == 7, "bad row: \(line.prefix(80))")
            return InputRow(name: f[0], target: f[1], now: Int64(f[2])!, maxBytes: Int(f[3])!, expect: f[4],
                            input: Hex.decode(Array(f[5].utf8))!, result: f[6].isEmpty ? nil : try! FieldValue(json: f[6]))
        }
    }()

    var options: ValidationOptions { ValidationOptions(now: now, maxInputBytes: maxBytes) }

    /// The signer of the `claims` rows: Ed25519, seed 2a…2a, kid claims-1.
    static let claimsSigner = try! IDTokenSigner(algorithm: .edDSA, keyID: "claims-1", seed: [UInt8](repeating: 0x2A, count: 32))

    /// A `jwks` row: the key set, and after its NUL the id_token to verify with it.
    func splitKeySetRow() -> (set: [UInt8], token: [UInt8]) {
        let nul = input.firstIndex(of: 0)!
        return (Array(input[..<nul]), Array(input[(nul + 1)...]))
    }

    /// A `gateway` row: the timestamp, the signature (nil when empty: an absent header) and the body.
    func splitReportRow() -> (timestamp: String?, signature: String?, body: [UInt8]) {
        let parts = input.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false).map { Array($0) }
        func header(_ b: [UInt8]) -> String? { b.isEmpty ? nil : String(decoding: b, as: UTF8.self) }
        return (header(parts[0]), header(parts[1]), parts[2])
    }

    /// What the core says: an error kind, "ignored:<reason>" for a webhook update, or "accepted" with the
    /// result's fields (read through the generated views) and its JSON output.
    func verdict() -> (verdict: String, fields: FieldValue?, json: String?) {
        do throws(TelegramAuthError) {
            switch target {
            case "mini_app":
                let data = try MiniAppValidator(botToken: Self.token).validate(bytes: input, options: options)
                return ("accepted", FieldValue(SchemaViews.values(data)), data.jsonString)
            case "widget":
                let user = try LoginWidgetVerifier(botToken: Self.token).verify(bytes: input, options: options)
                return ("accepted", FieldValue(SchemaViews.values(user)), user.jsonString)
            case "third_party":
                let data = try ThirdPartyValidator(botID: 7_342_037_359, environment: .production, cacheCapacity: 0)
                    .validate(bytes: input, options: options)
                return ("accepted", FieldValue(SchemaViews.values(data)), data.jsonString)
            case "bot_token": _ = try MiniAppValidator(botToken: String(decoding: input, as: UTF8.self))
            case "webhook":
                let flow = try DeepLinkLogin(configuration: .init(botUsername: "TgAuthBot"), webhookSecret: Self.webhookSecret)
                let r = try flow.handleWebhook(body: input, secretHeader: Self.webhookSecret)
                return (r.outcome == .ignored ? "ignored:\(r.reason ?? "")" : r.outcome.rawValue, nil, nil)
            case "deeplink":  // a login started here, its token in place of LOGIN_TOKEN
                var configuration = DeepLinkLogin.Configuration(botUsername: "TgAuthBot")
                configuration.confirm = false
                let flow = try DeepLinkLogin(configuration: configuration, webhookSecret: Self.webhookSecret)
                let update = String(decoding: input, as: UTF8.self).replacingOccurrences(of: "LOGIN_TOKEN", with: try flow.start(device: "").loginToken)
                let r = try flow.handleWebhook(body: Array(update.utf8), secretHeader: Self.webhookSecret)
                guard r.outcome == .approved, let user = r.user else { return (r.outcome.rawValue, nil, nil) }
                return ("accepted", FieldValue(SchemaViews.values(user)), user.jsonString)
            case "id_token", "jwks", "claims":
                let (keys, token) = try idTokenRow()
                let verified = try IDTokenVerifier(clientID: "7342037359", keys: keys).verify(bytes: token, options: options)
                return ("accepted", FieldValue(SchemaViews.values(verified.token)), verified.token.claimsJSON)
            case "gateway":
                let (timestamp, signature, body) = splitReportRow()
                let report = try GatewayReportVerifier(apiToken: Self.token).verify(body: body, timestamp: timestamp, signature: signature, now: now)
                return ("accepted", FieldValue(SchemaViews.values(report)), report.jsonString)
            default: Issue.record("unknown target \(target)")
            }
            return ("accepted", nil, nil)
        } catch {
            #expect(!error.description.contains("AAH5YkoiEuPk8"), "an error message contains the token")
            return (error.kind.rawValue, nil, nil)
        }
    }

    /// The key set and the id_token of an `id_token`, `jwks` or `claims` row.
    func idTokenRow() throws(TelegramAuthError) -> (JSONWebKeySet, [UInt8]) {
        switch target {
        case "id_token":
            let jwks = try! Data(contentsOf: repositoryRoot.appendingPathComponent("tests/vectors/telegram-oidc-jwks.json"))
            return (try JSONWebKeySet(json: Array(jwks)), input)
        case "jwks":
            let (set, token) = splitKeySetRow()
            return (try JSONWebKeySet(json: set), token)
        default:
            let signer = Self.claimsSigner
            let keys = try JSONWebKeySet(json: Array(#"{"keys":[\#(signer.publicJWK)]}"#.utf8))
            return (keys, Array(try signer.sign(claims: String(decoding: input, as: UTF8.self)).utf8))
        }
    }
}

@Suite struct InputTableTests {
    @Test func theTableCoversEveryClass() {
        let classes = Set(InputRow.all.map { $0.name.split(separator: " (").first.map(String.init)! })
        for required in [
            "empty input", "a lone &", "a key without =", "an empty key", "a duplicate key", "%zz", "a truncated escape",
            "invalid UTF-8", "an embedded NUL", "oversize input", "a hash of the wrong length", "a hash in uppercase",
            "a signature that is not base64url", "bad JSON", "JSON nested 10,000 deep", "a number over 2^63",
            "a negative auth_date", "an auth_date from the future", "a bot token of the wrong shape", "a login token of the wrong shape",
            "a padded signature", "a member given twice in user JSON", "a member given twice in chat JSON",
            "an id_token with alg none", "an id_token with an unknown kid", "an id_token with padding",
            "an RSA key with e = 1", "a key for encryption", "a key set of 101 keys", "an id_token with an empty sub",
            "an id_token not valid before a time ahead", "an id_token for another audience too, without azp",
            "a Gateway report with another signature", "a Gateway report 301 s old", "a Gateway report whose cost is a string",
        ] {
            #expect(classes.contains(required), "no row for \(required)")
        }
    }

    @Test func everyKindHasAnEveryFieldRow() {
        #expect(Set(InputRow.all.filter { $0.result != nil }.map(\.target)) == ["mini_app", "widget", "claims", "gateway", "deeplink"])
    }

    @Test(arguments: InputRow.all)
    func theCoreGivesTheListedKind(_ row: InputRow) throws {
        let (verdict, fields, json) = row.verdict()
        #expect(verdict == row.expect)
        if let want = row.result {  // every field, through the views and in the JSON output
            #expect(fields == want)
            #expect(try FieldValue(json: json ?? "null").restricted(to: want) == want)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary.path)), arguments: InputRow.all.filter { !["webhook", "deeplink"].contains($0.target) })
    func theCLIGivesTheListedKind(_ row: InputRow) throws {
        var args: [String]
        var input = row.input
        if ["id_token", "jwks", "claims"].contains(row.target) {
            var jwks = repositoryRoot.appendingPathComponent("tests/vectors/telegram-oidc-jwks.json").path
            if row.target != "id_token" {
                jwks = FileManager.default.temporaryDirectory.appendingPathComponent("bad-input-\(UUID().uuidString).json").path
                let set: [UInt8]
                if row.target == "jwks" {
                    (set, input) = row.splitKeySetRow()
                } else {
                    set = Array(#"{"keys":[\#(InputRow.claimsSigner.publicJWK)]}"#.utf8)
                    input = Array(try InputRow.claimsSigner.sign(claims: String(decoding: row.input, as: UTF8.self)).utf8)
                }
                try Data(set).write(to: URL(fileURLWithPath: jwks))
            }
            args = ["verify", "id-token", "--client-id", "7342037359", "--jwks", jwks, "--now", String(row.now)]
        } else if row.target == "gateway" {
            let (timestamp, signature, body) = row.splitReportRow()
            guard let timestamp, let signature else { return }  // the CLI's headers are required options
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-input-\(UUID().uuidString)")
            try Data(InputRow.token.utf8).write(to: file)
            args = ["verify", "gateway-report", "--token-file", file.path, "--timestamp", timestamp, "--signature", signature,
                    "--now", String(row.now)]
            input = body
        } else {
            args = ["verify", row.target == "widget" ? "widget" : row.target == "third_party" ? "third-party" : "init-data"]
            args += ["--now", String(row.now), "--max-bytes", String(row.maxBytes)]
            if row.target == "third_party" { args += ["--bot-id", "7342037359"] } else {
                args += ["--bot-token", row.target == "bot_token" ? String(decoding: row.input, as: UTF8.self) : InputRow.token]
            }
        }
        args.append("-")
        let run = try CLI.run(args, raw: row.target == "bot_token" ? [] : input)
        if let want = row.result {
            #expect(run.status == 0, "\(run.err)")
            #expect(try FieldValue(json: run.out).restricted(to: want) == want)
            return
        }
        #expect(run.status == (row.expect == "invalid_argument" ? 2 : 1), "\(run.err)")
        #expect(run.err.hasPrefix("error: \(row.expect): "), "\(run.err)")
        #expect(!run.err.contains("AAH5YkoiEuPk8"))
    }
}
