/// Decoding of Telegram's JSON objects into fixed-size records. Unknown members are skipped, so Telegram
/// can add members; a known member of the wrong type, or given twice, is malformed.
extension FieldParser {
    private func keyIs(_ key: Slice32, _ name: StaticString) -> Bool {
        Bytes.equal(bytes + Int(key.start), Int(key.count), name)
    }

    private func duplicate(_ context: StaticString, _ member: StaticString) -> TelegramAuthError {
        .malformed("\(context): duplicate member '\(member)'", field: "\(context).\(member)")
    }

    /// Reads an optional string member (`null` counts as absent).
    private mutating func optionalString(
        _ reader: inout JSONReader, _ target: inout Slice32,
        _ context: StaticString, _ member: StaticString
    ) throws(TelegramAuthError) {
        guard !target.isPresent else { throw duplicate(context, member) }
        if reader.skipNull() { return }
        guard reader.peek() == UInt8(ascii: "\"") else {
            throw .malformed("\(context).\(member) must be a string", field: "\(context).\(member)")
        }
        target = try reader.readString(into: &self)
    }

    private func optionalBool(
        _ reader: inout JSONReader, _ target: inout Int8, _ context: StaticString, _ member: StaticString
    ) throws(TelegramAuthError) {
        guard target < 0 else { throw duplicate(context, member) }
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
        try reader.forEachMember(in: &self) { (r: inout JSONReader, p: inout FieldParser, key: Slice32) throws(TelegramAuthError) in
            if p.keyIs(key, "id") {
                guard !haveID else { throw p.duplicate(context, "id") }
                user.id = try p.integer(&r, context, "id")
                haveID = true
            } else if p.keyIs(key, "first_name") {
                try p.optionalString(&r, &user.firstName, context, "first_name")
            } else if p.keyIs(key, "last_name") {
                try p.optionalString(&r, &user.lastName, context, "last_name")
            } else if p.keyIs(key, "username") {
                try p.optionalString(&r, &user.username, context, "username")
            } else if p.keyIs(key, "language_code") {
                try p.optionalString(&r, &user.languageCode, context, "language_code")
            } else if p.keyIs(key, "photo_url") {
                try p.optionalString(&r, &user.photoURL, context, "photo_url")
            } else if p.keyIs(key, "is_bot") {
                try p.optionalBool(&r, &user.isBot, context, "is_bot")
            } else if p.keyIs(key, "is_premium") {
                try p.optionalBool(&r, &user.isPremium, context, "is_premium")
            } else if p.keyIs(key, "added_to_attachment_menu") {
                try p.optionalBool(&r, &user.addedToAttachmentMenu, context, "added_to_attachment_menu")
            } else if p.keyIs(key, "allows_write_to_pm") {
                try p.optionalBool(&r, &user.allowsWriteToPM, context, "allows_write_to_pm")
            } else {
                try r.skipValue(depth: 1)
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
        try reader.forEachMember(in: &self) { (r: inout JSONReader, p: inout FieldParser, key: Slice32) throws(TelegramAuthError) in
            if p.keyIs(key, "id") {
                guard !haveID else { throw p.duplicate(context, "id") }
                chat.id = try p.integer(&r, context, "id")
                haveID = true
            } else if p.keyIs(key, "type") {
                try p.optionalString(&r, &chat.type, context, "type")
            } else if p.keyIs(key, "title") {
                try p.optionalString(&r, &chat.title, context, "title")
            } else if p.keyIs(key, "username") {
                try p.optionalString(&r, &chat.username, context, "username")
            } else if p.keyIs(key, "photo_url") {
                try p.optionalString(&r, &chat.photoURL, context, "photo_url")
            } else {
                try r.skipValue(depth: 1)
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
