import HTTPTypes
import Hummingbird
import HummingbirdAuth
import TelegramAuthSession

/// 431 for a request whose headers are larger than any the gateway could need: a field over
/// `maxFieldBytes`, or all of them over `maxTotalBytes` (a session cookie is a few hundred bytes, Mini App
/// data a few KiB). The HTTP decoder's own limit, above these, refuses what is larger still (400).
struct HeaderLimits<Context: AuthRequestContext<TelegramIdentity>>: RouterMiddleware {
    static var maxFieldBytes: Int { 16 * 1024 }
    static var maxTotalBytes: Int { 32 * 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var total = 0
        for field in request.headers {
            let size = field.name.rawName.utf8.count + field.value.utf8.count
            total += size
            if size > Self.maxFieldBytes || total > Self.maxTotalBytes {
                return Response(status: .requestHeaderFieldsTooLarge, headers: [.connection: "close"])
            }
        }
        return try await next(request, context)
    }
}
