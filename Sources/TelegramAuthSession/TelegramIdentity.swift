import TelegramAuth
import TelegramAuthOIDC

/// Who a verified login says the user is, whichever way they came in: what a session keeps, what the
/// gateway's identity headers carry, and what a Hummingbird route reads from its context.
///
/// Authorize by `id`, never by `username`: users change their usernames.
public struct TelegramIdentity: Sendable, Equatable {
    /// How the user logged in.
    public enum Method: String, Sendable, CaseIterable {
        /// Login Widget data (`data-auth-url` redirect or the JavaScript callback).
        case widget
        /// Mini App initData (`Authorization: tma …`), HMAC with the bot token or third-party by bot id.
        case miniapp
        /// An OpenID Connect id_token (the code flow, or `Authorization: Bearer …`).
        case oidc
    }

    /// The numeric Telegram user id.
    public let id: Int64
    public let username: String?
    /// The display name: first and last name, or the id_token's `name`.
    public let name: String?
    public let photoURL: String?
    public let method: Method
    /// When Telegram signed the login (`auth_date`, or the id_token's `iat`), Unix time.
    public let authTime: Int64

    public init(id: Int64, username: String?, name: String?, photoURL: String?, method: Method, authTime: Int64) {
        self.id = id
        self.username = username
        self.name = name
        self.photoURL = photoURL
        self.method = method
        self.authTime = authTime
    }

    /// From verified Login Widget data.
    public init(widget data: WidgetUser) {
        self.init(
            id: data.id, username: data.username, name: Self.fullName(data.firstName, data.lastName), photoURL: data.photoURL,
            method: .widget, authTime: data.authDate)
    }

    /// From verified Mini App data.
    /// - Throws: `missing_field` when the data carries no user (a Mini App opened without one).
    public init(miniApp data: InitData) throws(TelegramAuthError) {
        guard let user = data.user else { throw TelegramAuthError(.missingField, field: "user", "the initData carries no user") }
        self.init(
            id: user.id, username: user.username, name: Self.fullName(user.firstName, user.lastName), photoURL: user.photoURL,
            method: .miniapp, authTime: data.authDate)
    }

    /// From a verified id_token.
    /// - Throws: `missing_field` when it carries no Telegram `id` claim.
    public init(idToken token: IDToken) throws(TelegramAuthError) {
        guard let id = token.telegramID else { throw TelegramAuthError(.missingField, field: "id", "the id_token carries no Telegram id") }
        self.init(id: id, username: token.preferredUsername, name: token.name, photoURL: token.picture, method: .oidc, authTime: token.iat)
    }

    static func fullName(_ first: String, _ last: String?) -> String {
        guard let last, !last.isEmpty else { return first }
        return first + " " + last
    }

    // MARK: As JSON (the one reader and writer of the library)

    /// The members `id`, `username`, `name`, `photo_url`, `method`, `auth_time` (absent ones left out).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .number(String(id)))]
        if let username { members.append(("username", .string(username))) }
        if let name { members.append(("name", .string(name))) }
        if let photoURL { members.append(("photo_url", .string(photoURL))) }
        members += [("method", .string(method.rawValue)), ("auth_time", .number(String(authTime)))]
        return .object(members)
    }

    /// Reads `json`'s members back.
    /// - Throws: `malformed` for anything else.
    public init(json value: JSONValue) throws(TelegramAuthError) {
        guard let id = value["id"]?.int64Value, let method = value["method"]?.stringValue.flatMap(Method.init(rawValue:)),
            let authTime = value["auth_time"]?.int64Value
        else { throw .malformed("not an identity") }
        func text(_ name: String) throws(TelegramAuthError) -> String? {
            guard let member = value[name] else { return nil }
            guard let s = member.stringValue else { throw .malformed("the identity's \(name) is not a string") }
            return s
        }
        self.init(id: id, username: try text("username"), name: try text("name"), photoURL: try text("photo_url"), method: method, authTime: authTime)
    }
}
