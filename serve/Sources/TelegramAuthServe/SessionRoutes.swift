import HTTPTypes
import Hummingbird
import TelegramAuth
import TelegramAuthHummingbird
import TelegramAuthSession

/// Sessions: made after a login or from Mini App data, read by `/tgauth/userinfo`, ended by logout.
extension ForwardAuthServer {
    /// A new session for `identity`, its cookie set, and the browser sent on to `rd` (checked). The access log
    /// names the user.
    func startSession(_ identity: TelegramIdentity, rd: String?, _ context: Context) async -> Response {
        guard isAllowed(identity) else { return refusal(.forbidden, "this Telegram user is not allowed") }
        context.access.user = identity.id
        guard let session = await sessionCookie(identity, context) else { return refusal(.serviceUnavailable, "the session store is unavailable") }
        var response = Response.redirect(to: redirects.target(rd), type: .found)
        response.setCookie(session)
        return response
    }

    func sessionCookie(_ identity: TelegramIdentity, _ context: Context) async -> Cookie? {
        let now = clock()
        do throws(TelegramAuthError) {
            let value = try await sessions.save(Session(identity: identity, issuedAt: now, expiresAt: now + configuration.sessionTTL))
            return cookie(cookieName, value, maxAge: Int(configuration.sessionTTL))
        } catch {
            context.logger.error("the session could not be saved: \(error.detail)")
            return nil
        }
    }

    /// A Mini App trades `Authorization: tma …` for a session cookie; answers the identity as JSON.
    func miniAppSession(_ request: Request, _ context: Context) async -> Response {
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("tma ") else {
            return refusal(.unauthorized, "send Authorization: tma <initData>")
        }
        switch await credentials.identify(authorization: authorization, now: clock()) {
        case .identity(let identity):
            guard isAllowed(identity) else { return refusal(.forbidden, "this Telegram user is not allowed") }
            context.access.user = identity.id
            var response = Response(status: .ok, headers: [.contentType: "application/json"],
                                    body: .init(byteBuffer: ByteBuffer(string: JSONValue.serialize(identity.json))))
            guard let cookie = await sessionCookie(identity, context) else { return refusal(.serviceUnavailable, "the session store is unavailable") }
            response.setCookie(cookie)
            return response
        case .refused(let error):
            return refusal(.unauthorized, error.kind.rawValue)
        case .none, .unavailable:
            return refusal(.unauthorized, "send Authorization: tma <initData>")
        }
    }

    /// Revokes the session (with a store that keeps sessions), clears the cookie, then goes to `rd`. When the
    /// session could not be revoked, 503 and nothing cleared: the browser must not believe it logged out
    /// while a copy of its cookie still works.
    func logout(_ request: Request, _ context: Context) async -> Response {
        if let value = request.cookies[cookieName]?.value {
            do throws(TelegramAuthError) {
                try await sessions.revoke(Array(value.utf8))
            } catch {
                context.logger.error("logout refused: the session could not be revoked: \(error.detail)")
                return serviceUnavailablePage(request, "You are still logged in: the session could not be ended. Try again in a moment.")
            }
        }
        var response = Response.redirect(to: redirects.target(request.uri.queryParameters["rd"].map(String.init)), type: .found)
        response.setCookie(cookie(cookieName, "", maxAge: 0))
        return response
    }

    /// The session's (or the credentials') identity as JSON; 401 without one.
    func userinfo(_ request: Request) async -> Response {
        guard case .identity(let identity) = await credentials.identify(request, now: clock()) else {
            return refusal(.unauthorized, "not logged in")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValue.serialize(identity.json))))
    }

    /// 200 while the session store answers; 503 while it does not (Redis configured and unreachable).
    func ready() async -> Response {
        do throws(TelegramAuthError) {
            try await sessions.ping()
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
        } catch {
            return refusal(.serviceUnavailable, "the session store does not answer")
        }
    }

    /// 503 as a page for a browser (an HTML `Accept`), as JSON otherwise.
    func serviceUnavailablePage(_ request: Request, _ message: String) -> Response {
        guard request.headers[.accept]?.contains("text/html") == true else { return refusal(.serviceUnavailable, message) }
        let html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Try again</title></head><body><h1>Not now</h1><p>"
            + LoginPage.escape(message) + "</p></body></html>"
        return Response(
            status: .serviceUnavailable, headers: [.contentType: "text/html; charset=utf-8", .retryAfter: "5"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
