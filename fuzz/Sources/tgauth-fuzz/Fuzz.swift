// One libFuzzer entry point; TGAUTH_FUZZ_TARGET picks what it exercises. Each target checks properties,
// not only survival: a parse that succeeds re-serializes to the same fields; data the library signs
// always verifies; a single-byte change to signed data verifies only if it still carries the very same
// fields (a hex digit's case in a %-escape is the one such change).
#if canImport(Glibc)
import Glibc
#endif
@testable import TelegramAuth
@testable import TelegramAuthDeepLink
@testable import TelegramAuthOIDC

/// One line on standard error.
func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// One per folder of `fuzz/corpus` (the Makefile runs each folder's target).
enum Target: String, CaseIterable { case query, json, widget, miniapp, thirdparty, webhook, oidc, gateway }

let target: Target = {
    guard let name = getenv("TGAUTH_FUZZ_TARGET").map({ String(cString: $0) }), let t = Target(rawValue: name) else {
        say("set TGAUTH_FUZZ_TARGET to one of: \(Target.allCases.map(\.rawValue).joined(separator: ", "))")
        exit(2)
    }
    return t
}()

let token = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
let miniApp = try! MiniAppValidator(botToken: token)
let widget = try! LoginWidgetVerifier(botToken: token)
let signingKey = try! Ed25519PrivateKey(seed: [UInt8](repeating: 7, count: 32))
let thirdParty = try! ThirdPartyValidator(botID: 42, publicKey: signingKey.publicKey, cacheCapacity: 0)
let realThirdParty = try! ThirdPartyValidator(botID: 7_342_037_359, environment: .production, cacheCapacity: 0)
let roomy = ValidationOptions(maxAge: nil, maxInputBytes: 1 << 20)
let deepLink = try! DeepLinkLogin(configuration: .init(botUsername: "FuzzBot"), webhookSecret: "fuzz-secret")
let oidcKeys = try! JSONWebKeySet(json: Array(
    #"{"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"ed","x":"\#(Base64URL.encode(signingKey.publicKey.rawRepresentation))"}]}"#.utf8))
let oidc = try! IDTokenVerifier(clientID: "42", keys: oidcKeys)
let gateway = try! GatewayReportVerifier(apiToken: token)

/// The gateway target: any bytes as a report with any signature are refused or read; the input signed here
/// as a body is read, and a report read once reads the same again from its own JSON; no changed byte of a
/// signed body verifies.
func gatewayHolds(_ input: UnsafeBufferPointer<UInt8>) {
    let stamp = "1700000000"
    let guessed = text(input, 0..<min(64, input.count))
    _ = try? gateway.verify(body: input, timestamp: stamp, signature: guessed, now: 1_700_000_000)
    let body = Array(input)
    guard let report = try? gateway.verify(body: body, timestamp: stamp, signature: gateway.signature(timestamp: stamp, body: body), now: 1_700_000_000) else { return }
    let json = Array(report.jsonString.utf8)
    let again = try? gateway.verify(body: json, timestamp: stamp, signature: gateway.signature(timestamp: stamp, body: json), now: 1_700_000_000)
    check(again?.jsonString == report.jsonString, "a report does not read back from its JSON: \(report.jsonString)")
    var changed = body
    let at = body.isEmpty ? 0 : Int(body.reduce(UInt64(7)) { $0 &* 31 &+ UInt64($1) } % UInt64(body.count))
    if !changed.isEmpty { changed[at] ^= 0x01 } else { changed = [0x20] }
    check((try? gateway.verify(body: changed, timestamp: stamp, signature: gateway.signature(timestamp: stamp, body: body), now: 1_700_000_000)) == nil,
          "a body with byte \(at) changed still verifies")
}

/// The oidc target: the key-set and token readers take any bytes; a token signed here from the input's
/// claims verifies, with those claims (unless its sub is empty); and no single changed byte of it verifies.
func oidcHolds(_ input: UnsafeBufferPointer<UInt8>) {
    if let set = try? JSONWebKeySet(json: Array(input)) {
        check(Set(set.keys.map(\.keyID)).count == set.keys.count, "a key set with a kid twice: \(Array(input))")
    }
    _ = try? oidc.verify(String(decoding: input, as: UTF8.self), options: roomy)
    let name = text(input, 0..<input.count)
    let claims = JSONValue.serialize(.object([
        ("iss", .string(OIDCProvider.telegram.issuer)), ("aud", .string("42")), ("sub", .string(name)),
        ("iat", .number("1700000000")), ("exp", .number("1700003600")),
    ]))
    let signingInput = Base64URL.encode(Array(#"{"alg":"EdDSA","kid":"ed"}"#.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
    let token = signingInput + "." + Base64URL.encode(signingKey.signature(for: signingInput.utf8))
    let options = ValidationOptions(maxAge: nil, now: 1_700_000_100)
    let verified = try? oidc.verify(token, options: options)
    // an empty sub is refused (OpenID Connect Core 2); any other verifies with its claims
    check(name.isEmpty ? verified == nil : verified?.subject == name, "a token signed here does not verify with its claims: \(token)")
    var bytes = Array(token.utf8)
    let seed = input.reduce(into: UInt64(1469598103934665603)) { $0 = ($0 ^ UInt64($1)) &* 1099511628211 }
    let at = Int(seed % UInt64(bytes.count))
    bytes[at] ^= UInt8(truncatingIfNeeded: 1 + (seed >> 32) % 255)
    check((try? oidc.verify(String(decoding: bytes, as: UTF8.self), options: options)) == nil,
          "a token with byte \(at) changed still verifies: \(bytes)")
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        say("property violated: \(message())")
        abort()
    }
}

/// The decoded fields of a query string, in the parser's (sorted) order; nil when it does not parse.
func fields(_ bytes: UnsafeBufferPointer<UInt8>) -> [(String, String)]? {
    guard let parser = try? InitDataPipeline.parse(bytes, options: roomy) else { return nil }
    return (0..<parser.count).map { i in
        let (p, n) = parser.valuePointer(i)
        return (parser.keyString(i), String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
    }
}

func fields(_ text: String) -> [(String, String)]? {
    Array(text.utf8).withUnsafeBufferPointer { fields($0) }
}

func same(_ a: [(String, String)]?, _ b: [(String, String)]?) -> Bool {
    guard let a, let b, a.count == b.count else { return a == nil && b == nil }
    return zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
}

func encode(_ fields: [(String, String)]) -> String {
    fields.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
}

/// Text taken from the fuzz input (valid UTF-8, no NUL or line break: signing refuses both, as Telegram
/// never sends them).
func text(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    let slice = input[max(0, min(range.lowerBound, input.count))..<max(0, min(range.upperBound, input.count))]
    return String(decoding: slice, as: UTF8.self).replacingNUL()
}

extension String {
    func replacingNUL() -> String { String(unicodeScalars.map { $0 == "\u{0}" || $0 == "\n" ? "0" : Character($0) }) }
}

/// Flips one byte of `signed` (where and how chosen by the input) and checks that the result verifies
/// only when it decodes to the same fields, apart from `unsigned` (third-party validation cannot check
/// `hash`: only the bot's token can).
func mutateOnce(_ signed: String, _ input: UnsafeBufferPointer<UInt8>, unsigned: String? = nil, verifies: (String) -> Bool) {
    var bytes = Array(signed.utf8)
    guard !bytes.isEmpty else { return }
    let seed = input.reduce(into: UInt64(1469598103934665603)) { $0 = ($0 ^ UInt64($1)) &* 1099511628211 }
    let at = Int(seed % UInt64(bytes.count))
    bytes[at] ^= UInt8(truncatingIfNeeded: 1 + (seed >> 32) % 255)
    let mutated = String(decoding: bytes, as: UTF8.self)
    guard Array(mutated.utf8) == bytes else { return }  // not UTF-8 any more: nothing to compare
    if verifies(mutated) {
        let kept = { (f: [(String, String)]?) in f?.filter { $0.0 != unsigned } }
        check(same(kept(fields(mutated)), kept(fields(signed))),
              "a changed byte at \(at) still verifies with other data: \(mutated.debugDescription) (signed: \(signed.debugDescription))")
    }
}

/// The query kernels (the chosen one, and the generic one every CPU runs) may only accept what the exact
/// parser accepts, with the same fields byte for byte.
func quickPassesAgree(_ input: UnsafeBufferPointer<UInt8>) {
    guard let src = input.baseAddress, !input.isEmpty else { return }
    func decoded(_ parser: FieldParser) -> [[UInt8]] {
        (0..<parser.count).flatMap { [Array(parser.storage.bytes(parser.table[$0].key)), Array(parser.storage.bytes(parser.table[$0].value))] }
    }
    var exact = FieldParser(storage: FieldParser.storage(forQuery: input))
    let exactFields: [[UInt8]]? = (try? exact.parseQueryExact(src, input.count)) == nil ? nil : decoded(exact)
    var vector = FieldParser(storage: FieldParser.storage(forQuery: input))
    if vector.parseQueryVector(src, input.count) {
        check(exactFields == decoded(vector), "the vector kernel disagrees with the exact parser on \(Array(input))")
    }
    var generic = FieldParser(storage: FieldParser.storage(forQuery: input))
    if generic.parseQueryVector(src, input.count, kernel: genericQueryKernel) {
        check(exactFields == decoded(generic), "the generic kernel disagrees with the exact parser on \(Array(input))")
    }
}

/// Whatever user object the typed reader accepts, the general JSON reader accepts with the same id and
/// first name, and with no member name twice. (The typed reader is given valid UTF-8 only: the query
/// decoder checks it first.)
func userReadersAgree(_ input: UnsafeBufferPointer<UInt8>) {
    guard let src = input.baseAddress, !input.isEmpty, Bytes.isValidUTF8(src, input.count) else { return }
    var parser = FieldParser(storage: FieldParser.storage(forQuery: input))
    guard let user = try? parser.parseUser((src, input.count), context: "user") else { return }
    guard let tree = try? JSONValue.parse(Array(input)), case .object(let members) = tree else {
        return check(false, "the user reader accepted what JSONValue refuses: \(Array(input))")
    }
    check(tree["id"]?.int64Value == user.int(0) && tree["first_name"]?.stringValue == parser.storage.string(user.slice(1))
          && Set(members.map { Array($0.0.utf8) }).count == members.count,
          "the user reader disagrees with JSONValue on \(Array(input))")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    switch target {
    case .oidc:
        oidcHolds(input)

    case .gateway:
        gatewayHolds(input)

    case .query:
        quickPassesAgree(input)
        guard let parsed = fields(input) else { return 0 }
        let again = encode(parsed)
        check(same(fields(again), parsed), "re-encoded fields differ: \(again)")
        // the same input as decoded pairs, through the widget's pair path, gives the same verdict class
        _ = try? widget.verify(fields: parsed, options: roomy)

    case .json:
        userReadersAgree(input)
        guard let value = try? JSONValue.parse(Array(input)) else { return 0 }
        let text = JSONValue.serialize(value)
        let again = try? JSONValue.parse(text)
        check(again == value, "re-serialized JSON differs: \(text)")

    case .widget:
        _ = try? widget.verify(bytes: input, options: roomy)
        let n = input.count
        let signedFields = try! TelegramSigning.signWidget(
            botToken: token,
            fields: [("id", String(n + 1)), ("first_name", text(input, 0..<n / 2)), ("username", text(input, n / 2..<n))],
            authDate: 1_700_000_000)
        let signed = encode(signedFields.map { ($0.key, $0.value) })
        check((try? widget.verify(signed, options: roomy)) != nil, "signed widget data does not verify: \(signed)")
        mutateOnce(signed, input) { (try? widget.verify($0, options: roomy)) != nil }

    case .miniapp:
        _ = try? miniApp.validate(bytes: input, options: roomy)
        let n = input.count
        let user = JSONValue.serialize(.object([
            ("id", .number(String(n + 1))), ("first_name", .string(text(input, 0..<n / 3))),
        ]))
        let signed = try! TelegramSigning.signInitData(
            botToken: token,
            fields: [("user", user), ("query_id", text(input, n / 3..<2 * n / 3)), ("start_param", text(input, 2 * n / 3..<n))],
            authDate: 1_700_000_000)
        let data = try? miniApp.validate(signed, options: roomy)
        check(data?.user?.id == Int64(n + 1), "signed initData does not verify: \(signed)")
        mutateOnce(signed, input) { (try? miniApp.validate($0, options: roomy)) != nil }

    case .thirdparty:
        _ = try? realThirdParty.validate(bytes: input, options: roomy)
        _ = try? thirdParty.validate(bytes: input, options: roomy)
        let signed = try! TelegramSigning.signInitData(
            botToken: token, fields: [("user", #"{"id":1,"first_name":"A"}"#), ("start_param", text(input, 0..<input.count))],
            authDate: 1_700_000_000, ed25519PrivateKey: signingKey, botID: 42)
        check((try? thirdParty.validate(signed, options: roomy)) != nil, "signed third-party data does not verify")
        mutateOnce(signed, input, unsigned: "hash") { (try? thirdParty.validate($0, options: roomy)) != nil }

    case .webhook:
        // "TKN" in the input stands for the token of a login started just now, so the fuzzer reaches the
        // paths of live logins (confirmation, approval, other users) and not only unknown tokens
        var body = Array(input)
        var flow = deepLink
        var started: DeepLinkStart?
        if let at = body.indices.first(where: { body[$0...].starts(with: Array("TKN".utf8)) }) {
            flow = try! DeepLinkLogin(configuration: .init(botUsername: "FuzzBot"), webhookSecret: "fuzz-secret")
            let login = try! flow.start(device: "fuzz")
            body.replaceSubrange(at..<at + 3, with: Array(login.loginToken.utf8))
            if body.first == UInt8(ascii: "{"), body.count > 20, body[body.count / 2] & 1 == 1 {
                // user 111 has already sent /start, so a callback in the input meets a login awaiting confirmation
                let start = #"{"update_id":1,"message":{"message_id":5,"from":{"id":111,"is_bot":false,"first_name":"A"},"chat":{"id":111,"type":"private"},"date":1,"text":"/start \#(login.loginToken)"}}"#
                let asked = try? flow.handleWebhook(body: Array(start.utf8), secretHeader: "fuzz-secret")
                check(asked?.outcome == .confirmationRequested, "a fresh login was not asked to confirm")
            }
            started = login
        }
        let result = try? flow.handleWebhook(body: body, secretHeader: "fuzz-secret")
        if let started {
            let poll = try? flow.poll(pollSecret: started.pollSecret)
            check(poll != nil, "poll failed on the in-memory store")
            if poll?.status == .approved { check(poll?.user != nil, "an approval without a user") }
            if result?.outcome == .approved { check(poll?.status == .approved, "approved, but the poll says \(String(describing: poll?.status))") }
        }
        if let body = result?.responseBody {
            check((try? JSONValue.parse(body))?["method"] != nil, "a reply that is not a Bot API call: \(body)")
        }
        check((try? flow.handleWebhook(body: body, secretHeader: "wrong")) == nil, "a wrong secret was accepted")
    }
    return 0
}

// SwiftPM links an executable's entry point as `<module>_main`; hand it to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("tgauth_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    _ = target  // refuse an unknown target before fuzzing starts
    return LLVMFuzzerRunDriver(&count, &vector, fuzzOne)
}
