import HTTPTypes
import Hummingbird
import TelegramAuthHummingbird
import TelegramAuthSession

/// What the proxy asks about every request: `/tgauth/auth` (nginx) and `/tgauth/verify` (Traefik, Caddy).
extension ForwardAuthServer {
    /// For nginx `auth_request`: 202 with the identity headers, 401 without valid credentials, 403 for a user
    /// not allowed; 503 when the session store cannot be read (nginx shows it as 500). Nothing else.
    func auth(_ request: Request, _ context: Context) async -> Response {
        switch await credentials.identify(request, now: clock()) {
        case .identity(let identity):
            guard isAllowed(identity) else { return Response(status: .forbidden) }
            return Response(status: .accepted, headers: identityHeaders(identity))
        case .none, .refused:
            return Response(status: .unauthorized)
        case .unavailable(let error):
            return unavailable(error, context)
        }
    }

    /// For Traefik `ForwardAuth` and Caddy `forward_auth`: 200 with the identity headers; without valid
    /// credentials, 401 for XHR or a non-HTML `Accept`, else a redirect to the login page (302 for GET and
    /// HEAD, 303 for other methods) with `rd` the original URL.
    func verify(_ request: Request, _ context: Context) async -> Response {
        switch await credentials.identify(request, now: clock()) {
        case .identity(let identity):
            guard isAllowed(identity) else { return Response(status: .forbidden) }
            return Response(status: .ok, headers: identityHeaders(identity))
        case .unavailable(let error):
            return unavailable(error, context)
        case .none, .refused:
            let accept = request.headers[.accept] ?? ""
            let xhr = request.headers[HeaderNames.requestedWith]?.lowercased() == "xmlhttprequest"
            guard !xhr, accept.contains("text/html") else { return Response(status: .unauthorized) }
            let method = request.headers[HeaderNames.forwardedMethod]?.uppercased() ?? "GET"
            let location = configuration.publicURL + Routes.login + "?rd=" + Self.queryEncode(originalURL(request))
            return Response.redirect(to: location, type: method == "GET" || method == "HEAD" ? .found : .normal)
        }
    }

    /// The URL the user asked for, from the proxy's `X-Forwarded-Proto`, `-Host` and `-Uri`.
    func originalURL(_ request: Request) -> String {
        guard let host = request.headers[HeaderNames.forwardedHost] else { return "/" }
        let proto = request.headers[HeaderNames.forwardedProto] == "http" ? "http" : "https"
        return "\(proto)://\(host)\(request.headers[HeaderNames.forwardedURI] ?? "/")"
    }

    /// `X-Auth-Request-User` (the numeric id: authorize by it, never by the username), `-Preferred-Username`,
    /// `-Name`, `-Method`, and `X-Tgauth-Assertion` with `--assertion`. Every one is sent, empty when the user
    /// has no such value, so that a proxy copying them always replaces what the client sent.
    func identityHeaders(_ identity: TelegramIdentity) -> HTTPFields {
        var fields: HTTPFields = [HeaderNames.user: String(identity.id)]
        fields[HeaderNames.preferredUsername] = identity.username.map(Self.headerText) ?? ""
        fields[HeaderNames.name] = identity.name.map(Self.headerText) ?? ""
        fields[HeaderNames.method] = identity.method.rawValue
        if let assertion { fields[HeaderNames.assertion] = assertion.token(for: identity, now: clock()) }
        return fields
    }

    /// A value for a header: control characters (which a name may hold) become spaces.
    static func headerText(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
