/// Builds compact JSON text with Telegram's field names and exact integers.
struct JSONWriter {
    private(set) var text = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        JSONWriter.appendString(name, to: &text)
        text += ":"
    }

    mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONWriter.appendString(value, to: &text)
    }

    mutating func integer(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func bool(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        text += value ? "true" : "false"
    }

    mutating func raw(_ name: String, _ json: String?) {
        guard let json else { return }
        key(name)
        text += json
    }

    func finished() -> String { text + "}" }

    static func appendString(_ s: String, to out: inout String) {
        out += "\""
        defer { out += "\"" }
        let clean = s.utf8.withContiguousStorageIfAvailable { !$0.contains(where: needsEscape) } ?? !s.utf8.contains(where: needsEscape)
        if clean {
            out += s
            return
        }
        // copy runs of bytes that need no escape; the breaks fall on ASCII bytes, so each run is valid UTF-8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            guard needsEscape(b) else {
                bytes.append(b)
                continue
            }
            bytes.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default: bytes += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Hex.digits[Int(b >> 4)], Hex.digits[Int(b & 15)]]
            }
        }
        out += String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }
}

extension InitData {
    /// The verified data as one JSON object with Telegram's field names, nested `user`, `receiver` and
    /// `chat` objects, exact integers, and unknown top-level fields as strings.
    public var jsonString: String {
        var w = JSONWriter()
        w.string("query_id", queryID)
        w.raw("user", user?.jsonString)
        w.raw("receiver", receiver?.jsonString)
        w.raw("chat", chat?.jsonString)
        w.string("chat_type", chatType)
        w.string("chat_instance", chatInstance)
        w.string("start_param", startParam)
        w.integer("can_send_after", canSendAfter)
        w.integer("auth_date", authDate)
        for extra in extras { w.string(extra.key, extra.value) }
        w.string("signature", signature)
        w.string("hash", hash)
        return w.finished()
    }
}

extension WebAppUser {
    /// The user as a JSON object with Telegram's field names.
    public var jsonString: String {
        var w = JSONWriter()
        w.integer("id", id)
        w.bool("is_bot", isBot)
        w.string("first_name", firstName)
        w.string("last_name", lastName)
        w.string("username", username)
        w.string("language_code", languageCode)
        w.bool("is_premium", isPremium)
        w.bool("added_to_attachment_menu", addedToAttachmentMenu)
        w.bool("allows_write_to_pm", allowsWriteToPM)
        w.string("photo_url", photoURL)
        return w.finished()
    }
}

extension WebAppChat {
    /// The chat as a JSON object with Telegram's field names.
    public var jsonString: String {
        var w = JSONWriter()
        w.integer("id", id)
        w.string("type", type)
        w.string("title", title)
        w.string("username", username)
        w.string("photo_url", photoURL)
        return w.finished()
    }
}

extension WidgetUser {
    /// The user as a JSON object with the widget's field names; unknown fields as strings.
    public var jsonString: String {
        var w = JSONWriter()
        w.integer("id", id)
        w.string("first_name", firstName)
        w.string("last_name", lastName)
        w.string("username", username)
        w.string("photo_url", photoURL)
        w.integer("auth_date", authDate)
        for extra in extras { w.string(extra.key, extra.value) }
        return w.finished()
    }
}

extension TelegramAuthError {
    /// `{"error":"<kind>","field":"…","detail":"…"}` (field only when there is one).
    public var jsonString: String {
        var w = JSONWriter()
        w.string("error", kind.rawValue)
        w.string("field", field)
        w.string("detail", detail)
        return w.finished()
    }
}
