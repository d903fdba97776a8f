import Hummingbird
import HummingbirdAuth
import NIOCore
import TelegramAuthSession

/// The forward-auth server's request context: hummingbird-auth's identity, the peer's address (for the access log), and
/// what the access log should say of a login the request made.
public struct ForwardAuthRequestContext: AuthRequestContext, RemoteAddressRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: TelegramIdentity?
    public let remoteAddress: SocketAddress?
    /// Filled by the login handlers, read by `AccessLog` once the response is made.
    let access = AccessNote()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// The user a login made, for the access line. Written by the request's handler and read by the access log
/// after it, in the same task: never at once, so no lock.
final class AccessNote: @unchecked Sendable {
    var user: Int64?
}
