import Foundation
import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

/// Runs the built `tgauth` binary as a user would.
@Suite struct CLITests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary.path)))
    func verifyAndSign() throws {
        let vector = Vectors.miniApp[1]
        let token = vector["bot_token"] as! String
        let initData = vector["init_data"] as! String
        let ok = try CLI.run(["verify", "init-data", "--max-age", "0", initData], env: ["TGAUTH_BOT_TOKEN": token])
        #expect(ok.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(ok.out.utf8)) as! [String: Any]
        #expect((json["user"] as! [String: Any])["id"] as? Int == 279_058_397)
        #expect(json["chat_instance"] as? String == "8134722200314281151")

        let viaStdin = try CLI.run(["verify", "init-data", "--bot-token", token, "--max-age", "0", "-"], stdin: initData + "\n")
        #expect(viaStdin.status == 0)
        let noInput = try CLI.run(["verify", "init-data", "--bot-token", token, "--max-age", "0"], stdin: initData)
        #expect(noInput.out == ok.out)

        let expired = try CLI.run(["verify", "init-data", "--bot-token", token, initData])
        #expect(expired.status == 1)
        #expect(expired.err.hasPrefix("error: expired: "))
        let future = try CLI.run(["verify", "init-data", "--bot-token", token, "--now", "1733584000", initData])
        #expect(future.err.hasPrefix("error: future_auth_date: "))
        let badHash = try CLI.run(["verify", "init-data", "--bot-token", "1:wrong", "--max-age", "0", initData])
        #expect(badHash.status == 1)
        #expect(badHash.err.hasPrefix("error: bad_hash: "))
        #expect(!badHash.err.contains("1:wrong"))

        let third = try CLI.run(["verify", "third-party", "--bot-id", "7342037359", "--max-age", "0", initData])
        #expect(third.status == 0)
        let thirdTest = try CLI.run(["verify", "third-party", "--bot-id", "7342037359", "--environment", "test", "--max-age", "0", initData])
        #expect(thirdTest.err.hasPrefix("error: bad_signature: "))
        let shortKey = try CLI.run(["verify", "third-party", "--bot-id", "1", "--public-key", String(repeating: "ab", count: 31), initData])
        #expect(shortKey.status == 2)
        #expect(shortKey.err.hasPrefix("error: invalid_argument: "))

        let signed = try CLI.run(["sign", "init-data", "--bot-token", "9:t", "--auth-date", "1700000000", #"user={"id":5,"first_name":"Z"}"#])
        #expect(signed.status == 0)
        let back = try CLI.run(["verify", "init-data", "--bot-token", "9:t", "--now", "1700000001", signed.out])
        #expect(back.status == 0)
        #expect(back.out.contains(#""user":{"id":5,"first_name":"Z"}"#))

        let widget = try CLI.run(["sign", "widget", "--bot-token", "9:t", "--auth-date", "1700000000", "--json", "id=7", "first_name=W"])
        #expect(widget.out.contains(#""id":7"#))
        let wback = try CLI.run(["verify", "widget", "--bot-token", "9:t", "--now", "1700000001", widget.out])
        #expect(wback.status == 0)
        #expect(wback.out.contains(#""first_name":"W""#))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary.path)))
    func thirdPartyEachLine() throws {
        let initData = Vectors.miniApp[1]["init_data"] as! String
        let lines = [initData, "tma " + initData, initData.replacingOccurrences(of: "Vladislav", with: "Vladislaw"), "", initData]
        let r = try CLI.run(["verify", "third-party", "--bot-id", "7342037359", "--max-age", "0", "--each-line"],
                        stdin: lines.joined(separator: "\r\n") + "\n")
        #expect(r.status == 1)
        let out = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(out.count == 5)
        #expect(out[0] == out[1] && out[1] == out[4] && out[0].contains(#""id":279058397"#))
        #expect(out[2].hasPrefix(#"{"error":"bad_signature","field":"signature""#))
        #expect(out[3].hasPrefix(#"{"error":"malformed""#))
        let clean = try CLI.run(["verify", "third-party", "--bot-id", "7342037359", "--max-age", "0", "--each-line", "--cache-size", "0"],
                            stdin: initData + "\n" + initData)
        #expect(clean.status == 0 && clean.out.split(separator: "\n").count == 2)
        #expect(try CLI.run(["verify", "third-party", "--bot-id", "1", "--each-line", "x=y"]).status == 2)
        #expect(try CLI.run(["verify", "third-party", "--bot-id", "1", "--cache-size", "-1", "x=y"]).status == 2)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary.path)))
    func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["verify", "init-data", "x=y"]).status == 2)  // no token anywhere
        #expect(try CLI.run(["verify", "nonsense"]).status == 2)
        #expect(try CLI.run(["verify", "third-party", "x=y"]).status == 2)  // no --bot-id
        #expect(try CLI.run(["verify", "third-party", "--bot-id", "1", "--environment", "staging", "x=y"]).status == 2)
        let malformed = try CLI.run(["verify", "widget", "--bot-token", "1:a", "a&b"])
        #expect(malformed.status == 1)
        #expect(malformed.err.hasPrefix("error: malformed: "))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary.path)))
    func verifyIDToken() throws {
        let jwks = FileManager.default.temporaryDirectory.appendingPathComponent("tgauth-cli-jwks-\(getpid()).json")
        try Data(TestSigner.jwks.utf8).write(to: jwks)
        defer { try? FileManager.default.removeItem(at: jwks) }
        let token = TestSigner.token(.es256k, claims: TestSigner.claims)
        let ok = try CLI.run(["verify", "id-token", "--client-id", "7342037359", "--jwks", jwks.path, "--nonce", "n-0S6_WzA2Mj",
                          "--now", "1800000000", token])
        #expect(ok.status == 0 && ok.out.contains(#""id":279058397"#) && ok.out.contains(#""sub":"opaque-sub""#), "\(ok.err)")
        let wrong = try CLI.run(["verify", "id-token", "--client-id", "1", "--jwks", jwks.path, "--now", "1800000000"], stdin: token)
        #expect(wrong.status == 1 && wrong.err.hasPrefix("error: bad_claim: "))
        let missing = try CLI.run(["verify", "id-token", "--client-id", "1", "--jwks", "/nonexistent.json", token])
        #expect(missing.status == 2)
    }
}
