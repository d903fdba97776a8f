import TelegramAuth

/// A Telegram user as the Bot API describes them in `message.from` or `callback_query.from`.
public struct TelegramUser: Sendable, Hashable {
    public var id: Int64
    public var isBot: Bool
    public var firstName: String
    public var lastName: String?
    public var username: String?
    public var languageCode: String?
    public var isPremium: Bool?

    public init(
        id: Int64, isBot: Bool = false, firstName: String, lastName: String? = nil, username: String? = nil,
        languageCode: String? = nil, isPremium: Bool? = nil
    ) {
        self.id = id
        self.isBot = isBot
        self.firstName = firstName
        self.lastName = lastName
        self.username = username
        self.languageCode = languageCode
        self.isPremium = isPremium
    }

    /// Reads a Bot API `User` object; nil when `id` or `first_name` is missing or mistyped.
    public init?(json: JSONValue) {
        guard let id = json["id"]?.int64Value, let first = json["first_name"]?.stringValue else { return nil }
        self.init(
            id: id, isBot: json["is_bot"]?.boolValue ?? false, firstName: first,
            lastName: json["last_name"]?.stringValue, username: json["username"]?.stringValue,
            languageCode: json["language_code"]?.stringValue, isPremium: json["is_premium"]?.boolValue)
    }

    /// The Bot API `User` object, with exact integers.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .number(String(id))), ("is_bot", .bool(isBot)), ("first_name", .string(firstName))]
        if let lastName { members.append(("last_name", .string(lastName))) }
        if let username { members.append(("username", .string(username))) }
        if let languageCode { members.append(("language_code", .string(languageCode))) }
        if let isPremium { members.append(("is_premium", .bool(isPremium))) }
        return .object(members)
    }

    public var jsonString: String { JSONValue.serialize(json) }
}
