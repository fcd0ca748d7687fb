import ChimeraServerSupport
import Hummingbird
import NIOCore

/// The request context of `chimera proxy`: Hummingbird's basic one, the caller's address (which
/// the audit log records) and the request's id.
public struct ProxyRequestContext: RequestContext, RemoteAddressRequestContext, RequestIDRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection the request came on.
    public let remoteAddress: SocketAddress?
    /// The request's id (see ``RequestIDMiddleware``).
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        requestID = ""
    }
}
