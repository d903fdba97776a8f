import HTTPTypes
import Hummingbird
import Logging

/// One line per request: method, path (never the query, which carries login data), status, the user's id
/// (the identity answered to the proxy, or the one a login made), the peer's address and the time taken.
/// Nothing else: no header, cookie or body.
struct AccessLog: RouterMiddleware {
    typealias Context = ForwardAuthRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        var user = "-"
        defer {
            let elapsed = (ContinuousClock.now - start).components
            let tenths = elapsed.seconds * 10_000 + elapsed.attoseconds / 100_000_000_000_000  // 0.1 ms
            let peer = context.remoteAddress?.ipAddress ?? "-"
            // the source given, not derived from the file name on every line
            logger.info("\(request.method.rawValue) \(request.uri.path) \(status) user=\(user) peer=\(peer) \(tenths / 10).\(tenths % 10)ms", source: "access")
        }
        let response = try await next(request, context)
        status = response.status.code
        if let id = response.headers[HeaderNames.user] { user = id } else if let id = context.access.user { user = String(id) }
        return response
    }
}
