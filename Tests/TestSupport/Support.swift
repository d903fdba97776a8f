import Foundation
import Testing

@testable import TelegramAuth

/// The repository's root (tests read its `tests/` folder).
package let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The public Telegram vectors (`tests/vectors/telegram-vectors.json`, read by every suite).
package enum Vectors {
    nonisolated(unsafe) package static let root: [String: Any] = {
        let url = repositoryRoot.appendingPathComponent("tests/vectors/telegram-vectors.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    package static func list(_ name: String) -> [[String: Any]] { root[name] as! [[String: Any]] }
    package static var miniApp: [[String: Any]] { list("mini_app_hmac") }
    package static var thirdParty: [[String: Any]] { list("third_party_ed25519") }
    package static var widget: [[String: Any]] { list("login_widget") }
    package static var secrets: [[String: Any]] { list("secrets") }
    package static var keys: [String: String] { root["telegram_ed25519_public_keys"] as! [String: String] }
}

package let noAge = ValidationOptions(maxAge: nil)

/// Runs `body` and returns the error kind it threw, or nil.
package func kind<T>(_ body: () throws(TelegramAuthError) -> T) -> TelegramAuthError.Kind? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.kind
    }
}

package func error<T>(_ body: () throws(TelegramAuthError) -> T) -> TelegramAuthError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

package let testToken = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
package let userJSON = #"{"id":279058397,"first_name":"Vladislav","last_name":"Kibenko","username":"vdkfrost","language_code":"ru","is_premium":true,"allows_write_to_pm":true}"#

package func signed(_ fields: [(String, String)], authDate: Int64 = 1_700_000_000, token: String = testToken) -> String {
    try! TelegramSigning.signInitData(botToken: token, fields: fields, authDate: authDate)
}

/// A count that threads add to.
package final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    package init() {}
    package func add() { lock.lock(); n += 1; lock.unlock() }
    package var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
