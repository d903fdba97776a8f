import Foundation
import Testing

@testable import TelegramAuth

/// The repository's root (tests read its `tests/` folder).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The public Telegram vectors (`tests/vectors/telegram-vectors.json`, read by every suite).
enum Vectors {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = repositoryRoot.appendingPathComponent("tests/vectors/telegram-vectors.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static func list(_ name: String) -> [[String: Any]] { root[name] as! [[String: Any]] }
    static var miniApp: [[String: Any]] { list("mini_app_hmac") }
    static var thirdParty: [[String: Any]] { list("third_party_ed25519") }
    static var widget: [[String: Any]] { list("login_widget") }
    static var secrets: [[String: Any]] { list("secrets") }
    static var keys: [String: String] { root["telegram_ed25519_public_keys"] as! [String: String] }
}

let noAge = ValidationOptions(maxAge: nil)

/// Runs `body` and returns the error kind it threw, or nil.
func kind<T>(_ body: () throws(TelegramAuthError) -> T) -> TelegramAuthError.Kind? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.kind
    }
}

func error<T>(_ body: () throws(TelegramAuthError) -> T) -> TelegramAuthError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

let testToken = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
let userJSON = #"{"id":279058397,"first_name":"Vladislav","last_name":"Kibenko","username":"vdkfrost","language_code":"ru","is_premium":true,"allows_write_to_pm":true}"#

func signed(_ fields: [(String, String)], authDate: Int64 = 1_700_000_000, token: String = testToken) -> String {
    try! TelegramSigning.signInitData(botToken: token, fields: fields, authDate: authDate)
}
