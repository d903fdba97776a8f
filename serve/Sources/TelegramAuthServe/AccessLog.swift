import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import TelegramAuthSession

/// One line per request: method, path (never the query, which carries login data), status, the user's id
/// when the request carried one, and the time taken. Nothing else: no header, cookie or body.
struct AccessLog<Context: AuthRequestContext<TelegramIdentity>>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        var user = "-"
        defer {
            let ms = (ContinuousClock.now - start).components
            let millis = Double(ms.seconds) * 1000 + Double(ms.attoseconds) / 1e15
            logger.info("\(request.method.rawValue) \(request.uri.path) \(status) user=\(user) \(String(format: "%.1f", millis))ms")
        }
        let response = try await next(request, context)
        status = response.status.code
        if let id = response.headers[HTTPField.Name("X-Auth-Request-User")!] { user = id }
        return response
    }
}
