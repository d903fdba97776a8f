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
