import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

/// The Bot API webhook secret token: one constant-time check, for every surface and the deep-link handler.
@Suite struct WebhookSecretTests {
    static let secret = "s3cr3t_-Token"

    @Test func theHeaderMustBeTheSecretExactly() throws {
        let token = try WebhookSecretToken(Self.secret)
        try token.check(header: Self.secret)
        for wrong in ["", "s3cr3t", Self.secret + "x", "S3cr3t_-Token", " " + Self.secret] {
            #expect(throws: TelegramAuthError.self) { try token.check(header: wrong) }
        }
        do {
            try token.check(header: nil as String?)
            Issue.record("an absent header passed")
        } catch {
            #expect(error.kind == .badWebhookSecret && !error.detail.contains(Self.secret))
        }
    }

    @Test(arguments: ["", String(repeating: "a", count: 257), "has space", "dot.", "ünï", "new\nline"])
    func aSecretSetWebhookWouldRefuseIsRefused(_ secret: String) {
        do {
            _ = try WebhookSecretToken(secret)
            Issue.record("accepted \(secret.debugDescription)")
        } catch {
            #expect(error.kind == .invalidArgument)
        }
    }

    @Test func theLongestSecretIsAccepted() throws {
        let longest = String(repeating: "Z", count: WebhookSecretToken.maxLength)
        try WebhookSecretToken(longest).check(header: longest)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary.path)))
    func theCLIChecksAHeader() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-secret-\(UUID().uuidString)")
        try Data((Self.secret + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let args = ["verify", "webhook-secret", "--secret-file", file.path]
        #expect(try CLI.run(args + [Self.secret]).status == 0)
        let wrong = try CLI.run(args + ["nope"])
        #expect(wrong.status == 1 && wrong.err.hasPrefix("error: bad_webhook_secret: ") && !wrong.err.contains(Self.secret))
        try Data("bad secret".utf8).write(to: file)
        #expect(try CLI.run(args + ["x"]).status == 2)
    }
}
