/// The gateway's login page: Telegram's Login Widget and a "Log in with Telegram" button for OpenID Connect.
enum LoginPage {
    static func html(botUsername: String?, widgetCallback: String, oidcStart: String?) -> String {
        var body = ""
        if let botUsername {
            body += """
                <script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="\(escape(botUsername))" \
                data-size="large" data-auth-url="\(escape(widgetCallback))" data-request-access="write"></script>
                """
        }
        if let oidcStart {
            body += "<p><a class=\"button\" id=\"oidc\" href=\"\(escape(oidcStart))\">Log in with Telegram</a></p>"
        }
        if body.isEmpty { body = "<p>No way to log in is configured.</p>" }
        return """
            <!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">\
            <title>Log in</title><style>body{font-family:sans-serif;margin:4em auto;max-width:30em;text-align:center}\
            .button{display:inline-block;padding:.7em 1.4em;background:#2AABEE;color:#fff;border-radius:8px;text-decoration:none}\
            </style></head><body><h1>Log in with Telegram</h1>\(body)</body></html>
            """
    }

    /// Text for an HTML attribute or element.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
