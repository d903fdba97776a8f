import TelegramAuth

// `TelegramUser`, the Bot API's `User`, is declared in schema/results.json; its view type and properties are
// generated (Results+Schema.swift beside this file). What the deep-link login adds to it is here.

extension TelegramUser: Hashable {
    /// Reads a Bot API `User` object (`message.from`, `callback_query.from`, a stored login); nil when `id`
    /// or `first_name` is missing or a declared member has the wrong type.
    init?(json: JSONValue) {
        let text = Array(JSONValue.serialize(json).utf8)
        let user = try? text.withUnsafeBufferPointer { (b) throws(TelegramAuthError) in try TelegramUser(json: b, context: "from") }
        guard let user else { return nil }
        self = user
    }

    /// The user as the login's stored record keeps it.
    var json: JSONValue { (try? JSONValue.parse(jsonString)) ?? .object([]) }

    /// Two users are the same when they carry the same members with the same values.
    public static func == (a: TelegramUser, b: TelegramUser) -> Bool { a.jsonString == b.jsonString }

    public func hash(into hasher: inout Hasher) { hasher.combine(jsonString) }
}
