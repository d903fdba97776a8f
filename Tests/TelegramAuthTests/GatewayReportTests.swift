import COpenSSL
import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

/// Telegram Gateway delivery reports: Telegram's formula (hex HMAC-SHA256 of `timestamp \n body` under
/// SHA256(API token)), computed here with OpenSSL's one-shot `HMAC()` and `SHA256()`, not the library's
/// precomputed key, and every way a report is refused.
@Suite struct GatewayReportTests {
    static let token = "gw-12345:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    static let now: Int64 = 1_733_200_100
    static let body = Array("""
        {"request_id":"eAAAAAAAAAA","phone_number":"+15551234567","request_cost":0.03,"is_refunded":false,\
        "remaining_balance":12.47,"delivery_status":{"status":"read","updated_at":1733200050},\
        "verification_status":{"status":"code_valid","updated_at":1733200090,"code_entered":"8817"},\
        "payload":"order-77","added_later":{"x":[1,2]}}
        """.utf8)

    /// Telegram's signature, by the documented formula, with OpenSSL's own functions.
    static func signature(_ timestamp: String, _ body: [UInt8], token: String = token) -> String {
        var key = [UInt8](repeating: 0, count: 32)
        _ = SHA256(Array(token.utf8), token.utf8.count, &key)
        let message = Array(timestamp.utf8) + [0x0A] + body
        var mac = [UInt8](repeating: 0, count: 32)
        var macLength = 0
        _ = EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, key, 32, message, message.count, &mac, 32, &macLength)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    static let verifier = try! GatewayReportVerifier(apiToken: token)

    static func verify(_ body: [UInt8] = body, timestamp: String? = "1733200100", signature: String? = nil, now: Int64 = now) throws(TelegramAuthError) -> GatewayReport {
        try verifier.verify(body: body, timestamp: timestamp, signature: signature ?? Self.signature(timestamp ?? "", body), now: now)
    }

    static func refusal(_ run: () throws(TelegramAuthError) -> GatewayReport) -> TelegramAuthError? {
        do {
            _ = try run()
            return nil
        } catch {
            return error
        }
    }

    @Test func aSignedReportIsReadTyped() throws {
        let report = try Self.verify()
        #expect(report.requestID == "eAAAAAAAAAA" && report.phoneNumber == "+15551234567")
        #expect(report.requestCost == 0.03 && report.remainingBalance == 12.47 && report.isRefunded == false)
        #expect(report.deliveryStatus?.status == "read" && report.deliveryStatus?.updatedAt == 1_733_200_050)
        #expect(report.verificationStatus?.status == "code_valid" && report.verificationStatus?.codeEntered == "8817")
        #expect(report.payload == "order-77")
        // the JSON keeps the numbers' text exactly; an unknown member is checked (signed) but not echoed
        #expect(report.jsonString.contains(#""request_cost":0.03,"is_refunded":false,"remaining_balance":12.47"#))
        #expect(!report.jsonString.contains("added_later"))
    }

    @Test func theSignerForFixturesAgreesWithTheFormula() {
        #expect(Self.verifier.signature(timestamp: "1733200100", body: Self.body) == Self.signature("1733200100", Self.body))
        #expect(Self.verifier.signature(timestamp: "1", body: []) == Self.signature("1", []))
    }

    @Test func onlyTheRequiredMembersAreNeeded() throws {
        let body = Array(#"{"request_id":"r","phone_number":"+1","request_cost":1e-2}"#.utf8)
        let report = try Self.verify(body)
        #expect(report.requestCost == 0.01 && report.remainingBalance == nil && report.isRefunded == nil)
        #expect(report.deliveryStatus == nil && report.verificationStatus == nil && report.payload == nil)
    }

    @Test func anyChangeToTheSignedBytesIsABadSignature() {
        let good = Self.signature("1733200100", Self.body)
        var tampered = Self.body
        tampered[tampered.firstIndex(of: UInt8(ascii: "3"))!] = UInt8(ascii: "4")
        let cases: [(String, () throws(TelegramAuthError) -> GatewayReport)] = [
            ("body", { () throws(TelegramAuthError) in try Self.verify(tampered, signature: good) }),
            ("a trailing newline", { () throws(TelegramAuthError) in try Self.verify(Self.body + [0x0A], signature: good) }),
            ("timestamp", { () throws(TelegramAuthError) in try Self.verify(timestamp: "1733200101", signature: good) }),
            ("another token", { () throws(TelegramAuthError) in
                try Self.verify(signature: Self.signature("1733200100", Self.body, token: Self.token + "x")) }),
            ("the token itself as the key", { () throws(TelegramAuthError) in
                try GatewayReportVerifier(apiToken: "other").verify(body: Self.body, timestamp: "1733200100", signature: good, now: Self.now) }),
        ]
        for (what, run) in cases {
            let error = Self.refusal(run)
            #expect(error?.kind == .badSignature && error?.field == "X-Request-Signature", "\(what): \(String(describing: error))")
        }
    }

    @Test func theTimestampMustLieWithinTheSkewEitherWay() throws {
        _ = try Self.verify(now: Self.now + 300)
        _ = try Self.verify(now: Self.now - 300)
        #expect(Self.refusal { () throws(TelegramAuthError) in try Self.verify(now: Self.now + 301) }?.kind == .expired)
        #expect(Self.refusal { () throws(TelegramAuthError) in try Self.verify(now: Self.now - 301) }?.kind == .futureAuthDate)
        let strict = try GatewayReportVerifier(apiToken: Self.token, maxSkew: 5)
        #expect(throws: TelegramAuthError.self) {
            try strict.verify(body: Self.body, timestamp: "1733200100", signature: Self.signature("1733200100", Self.body), now: Self.now + 6)
        }
        // a timestamp far from any clock is refused by the window, not by an overflow
        let far = "999999999999999999"
        #expect(Self.refusal { () throws(TelegramAuthError) in try Self.verify(timestamp: far, now: .min) }?.kind == .futureAuthDate)
    }

    @Test(arguments: [
        ("", "timestamp"), ("-5", "timestamp"), ("17332001 00", "timestamp"), ("1733200100.0", "timestamp"),
        ("9999999999999999999", "timestamp"), ("+1733200100", "timestamp"),
    ])
    func aTimestampThatIsNotDecimalDigitsIsMalformed(_ timestamp: String, _ what: String) {
        let error = Self.refusal { () throws(TelegramAuthError) in try Self.verify(timestamp: timestamp) }
        #expect(error?.kind == .malformed && error?.field == "X-Request-Timestamp", "\(timestamp): \(String(describing: error))")
    }

    @Test func aSignatureThatIsNot64LowercaseHexDigitsIsMalformed() {
        let good = Self.signature("1733200100", Self.body)
        for bad in [good.uppercased(), String(good.dropLast()), good + "0", "", String(repeating: "g", count: 64)] {
            let error = Self.refusal { () throws(TelegramAuthError) in try Self.verify(signature: bad) }
            #expect(error?.kind == .malformed && error?.field == "X-Request-Signature", "\(bad): \(String(describing: error))")
        }
    }

    @Test func missingHeadersAreNamed() {
        let noTimestamp = Self.refusal { () throws(TelegramAuthError) in
            try Self.verifier.verify(body: Self.body, timestamp: nil, signature: Self.signature("", Self.body), now: Self.now) }
        #expect(noTimestamp?.kind == .missingField && noTimestamp?.field == "X-Request-Timestamp")
        let noSignature = Self.refusal { () throws(TelegramAuthError) in
            try Self.verifier.verify(body: Self.body, timestamp: "1733200100", signature: nil, now: Self.now) }
        #expect(noSignature?.kind == .missingField && noSignature?.field == "X-Request-Signature")
    }

    /// A signed body that is not a RequestStatus: refused after the signature, with the member named.
    @Test(arguments: [
        (#"[]"#, TelegramAuthError.Kind.malformed), (#"{"request_id":"r","phone_number":"+1"}"#, .missingField),
        (#"{"request_id":"r","phone_number":"+1","request_cost":"0.03"}"#, .malformed),
        (#"{"request_id":"r","phone_number":"+1","request_cost":01}"#, .malformed),
        (#"{"request_id":"r","phone_number":"+1","request_cost":1,"delivery_status":"read"}"#, .malformed),
        (#"{"request_id":"r","phone_number":"+1","request_cost":1,"delivery_status":{"status":"read"}}"#, .missingField),
        (#"{"request_id":"r","phone_number":"+1","request_cost":1,"request_cost":2}"#, .malformed),
        (#"{"request_id":"r","phone_number":"+1","request_cost":1} x"#, .malformed),
        (#"{"request_id":"r\u0000","phone_number":"+1","request_cost":1}"#, .malformed),
    ])
    func aSignedBodyThatIsNotARequestStatusIsRefused(_ body: String, _ kind: TelegramAuthError.Kind) {
        let error = Self.refusal { () throws(TelegramAuthError) in try Self.verify(Array(body.utf8)) }
        #expect(error?.kind == kind, "\(body): \(String(describing: error))")
    }

    @Test func theBodyIsBounded() {
        let body = Array(repeating: UInt8(ascii: " "), count: GatewayReportVerifier.maxBodyBytes + 1)
        #expect(Self.refusal { () throws(TelegramAuthError) in try Self.verify(body) }?.kind == .tooLarge)
    }

    @Test(arguments: ["", "has space", "new\nline", "ünï"])
    func anUnusableTokenIsAnArgumentErrorThatNeverNamesIt(_ token: String) {
        do {
            _ = try GatewayReportVerifier(apiToken: token)
            Issue.record("accepted \(token.debugDescription)")
        } catch {
            #expect(error.kind == .invalidArgument && (token.isEmpty || !error.detail.contains(token)))
        }
        #expect(throws: TelegramAuthError.self) { try GatewayReportVerifier(apiToken: Self.token, maxSkew: -1) }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary.path)))
    func theCLIVerifiesAReportByteForByte() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-token-\(UUID().uuidString)")
        try Data((Self.token + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let args = ["verify", "gateway-report", "--token-file", file.path, "--timestamp", "1733200100",
                    "--signature", Self.signature("1733200100", Self.body), "--now", String(Self.now)]
        let ok = try CLI.run(args, raw: Self.body)
        #expect(ok.status == 0 && ok.out.contains(#""request_id":"eAAAAAAAAAA""#), "\(ok.err)")
        let newline = try CLI.run(args, raw: Self.body + [0x0A])  // standard input is not trimmed
        #expect(newline.status == 1 && newline.err.hasPrefix("error: bad_signature: ") && !newline.err.contains(Self.token))
        let late = try CLI.run(args.dropLast(2) + ["--now", String(Self.now + 301)], raw: Self.body)
        #expect(late.status == 1 && late.err.hasPrefix("error: expired: "))
        let signed = try CLI.run(["sign", "gateway-report", "--token-file", file.path, "--timestamp", "1733200100"], raw: Self.body)
        #expect(signed.status == 0 && signed.out == Self.signature("1733200100", Self.body) + "\n")
    }
}
