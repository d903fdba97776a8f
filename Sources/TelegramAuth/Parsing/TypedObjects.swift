/// Decoding of Telegram's JSON objects into fixed-size records. Unknown members are skipped, so Telegram
/// can add members; a known member of the wrong type is malformed, and so is any member given twice
/// (``JSONReader/forEachMember(in:_:)`` refuses a repeated name).

/// The members of `WebAppUser` and `WebAppChat` the typed records hold.
enum KnownMember {
    case id, firstName, lastName, username, languageCode, photoURL
    case isBot, isPremium, addedToAttachmentMenu, allowsWriteToPM
    case type, title, unknown

    /// Classifies a member name by its length first, then one or two byte comparisons.
    @inline(__always)
    static func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> KnownMember {
        switch n {
        case 2: return Bytes.equal(p, n, "id") ? .id : .unknown
        case 4: return Bytes.equal(p, n, "type") ? .type : .unknown
        case 5: return Bytes.equal(p, n, "title") ? .title : .unknown
        case 6: return Bytes.equal(p, n, "is_bot") ? .isBot : .unknown
        case 8: return Bytes.equal(p, n, "username") ? .username : .unknown
        case 9:
            if Bytes.equal(p, n, "last_name") { return .lastName }
            return Bytes.equal(p, n, "photo_url") ? .photoURL : .unknown
        case 10:
            if Bytes.equal(p, n, "first_name") { return .firstName }
            return Bytes.equal(p, n, "is_premium") ? .isPremium : .unknown
        case 13: return Bytes.equal(p, n, "language_code") ? .languageCode : .unknown
        case 18: return Bytes.equal(p, n, "allows_write_to_pm") ? .allowsWriteToPM : .unknown
        case 24: return Bytes.equal(p, n, "added_to_attachment_menu") ? .addedToAttachmentMenu : .unknown
        default: return .unknown
        }
    }
}

extension FieldParser {

    /// Reads an optional string member (`null` counts as absent).
    private mutating func optionalString(
        _ reader: inout JSONReader, _ target: inout Slice32,
        _ context: StaticString, _ member: StaticString
    ) throws(TelegramAuthError) {
        if reader.skipNull() { return }
        guard reader.peek() == UInt8(ascii: "\"") else {
            throw .malformed("\(context).\(member) must be a string", field: "\(context).\(member)")
        }
        target = try reader.readString(into: &self)
    }

    private func optionalBool(
        _ reader: inout JSONReader, _ target: inout Int8, _ context: StaticString, _ member: StaticString
    ) throws(TelegramAuthError) {
        if reader.skipNull() { return }
        guard reader.peek() == UInt8(ascii: "t") || reader.peek() == UInt8(ascii: "f") else {
            throw .malformed("\(context).\(member) must be a boolean", field: "\(context).\(member)")
        }
        target = try reader.readBool() ? 1 : 0
    }

    private func integer(
        _ reader: inout JSONReader, _ context: StaticString, _ member: StaticString
    ) throws(TelegramAuthError) -> Int64 {
        let c = reader.peek()
        guard c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
            throw .malformed("\(context).\(member) must be an integer", field: "\(context).\(member)")
        }
        return try reader.readInt64(member: member)
    }

    /// Decodes a `WebAppUser` (also the shape of a Bot API `User`) from the JSON in `json`.
    mutating func parseUser(_ json: (UnsafePointer<UInt8>, Int), context: StaticString) throws(TelegramAuthError) -> UserRecord {
        var reader = JSONReader(json.0, json.1, context: context)
        var user = try parseUser(&reader, context: context)
        reader.skipWhitespace()
        guard reader.atEnd else { throw reader.error("trailing data after the object") }
        user.base = UnsafePointer(bytes)
        return user
    }

    mutating func parseUser(_ reader: inout JSONReader, context: StaticString) throws(TelegramAuthError) -> UserRecord {
        var user = UserRecord()
        var haveID = false
        try reader.forEachMember(in: &self) { (r: inout JSONReader, p: inout FieldParser, key, keyCount) throws(TelegramAuthError) in
            switch KnownMember.classify(key, keyCount) {
            case .id:
                user.id = try p.integer(&r, context, "id")
                haveID = true
            case .firstName: try p.optionalString(&r, &user.firstName, context, "first_name")
            case .lastName: try p.optionalString(&r, &user.lastName, context, "last_name")
            case .username: try p.optionalString(&r, &user.username, context, "username")
            case .languageCode: try p.optionalString(&r, &user.languageCode, context, "language_code")
            case .photoURL: try p.optionalString(&r, &user.photoURL, context, "photo_url")
            case .isBot: try p.optionalBool(&r, &user.isBot, context, "is_bot")
            case .isPremium: try p.optionalBool(&r, &user.isPremium, context, "is_premium")
            case .addedToAttachmentMenu:
                try p.optionalBool(&r, &user.addedToAttachmentMenu, context, "added_to_attachment_menu")
            case .allowsWriteToPM: try p.optionalBool(&r, &user.allowsWriteToPM, context, "allows_write_to_pm")
            case .type, .title, .unknown: try r.skipValue(depth: 1)
            }
        }
        guard haveID else { throw TelegramAuthError.missing("\(context).id") }
        guard user.firstName.isPresent else { throw TelegramAuthError.missing("\(context).first_name") }
        user.present = true
        user.base = UnsafePointer(bytes)
        return user
    }

    /// Decodes a `WebAppChat`.
    mutating func parseChat(_ json: (UnsafePointer<UInt8>, Int), context: StaticString) throws(TelegramAuthError) -> ChatRecord {
        var reader = JSONReader(json.0, json.1, context: context)
        var chat = ChatRecord()
        var haveID = false
        try reader.forEachMember(in: &self) { (r: inout JSONReader, p: inout FieldParser, key, keyCount) throws(TelegramAuthError) in
            switch KnownMember.classify(key, keyCount) {
            case .id:
                chat.id = try p.integer(&r, context, "id")
                haveID = true
            case .type: try p.optionalString(&r, &chat.type, context, "type")
            case .title: try p.optionalString(&r, &chat.title, context, "title")
            case .username: try p.optionalString(&r, &chat.username, context, "username")
            case .photoURL: try p.optionalString(&r, &chat.photoURL, context, "photo_url")
            default: try r.skipValue(depth: 1)
            }
        }
        reader.skipWhitespace()
        guard reader.atEnd else { throw reader.error("trailing data after the object") }
        guard haveID else { throw TelegramAuthError.missing("\(context).id") }
        guard chat.type.isPresent else { throw TelegramAuthError.missing("\(context).type") }
        guard chat.title.isPresent else { throw TelegramAuthError.missing("\(context).title") }
        chat.present = true
        chat.base = UnsafePointer(bytes)
        return chat
    }
}
