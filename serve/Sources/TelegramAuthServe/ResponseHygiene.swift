import HTTPTypes
import Hummingbird

/// Headers every response of the gateway carries: `X-Content-Type-Options: nosniff`, and `Cache-Control:
/// no-store` unless the route chose its own (an identity, a `Set-Cookie` or a login page must never sit in
/// a cache). Errors thrown by the router (404, 405) get them too.
struct ResponseHygiene<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
