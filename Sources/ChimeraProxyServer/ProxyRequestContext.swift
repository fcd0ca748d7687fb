import ChimeraRelay
import ChimeraServerSupport
import Hummingbird
import NIOCore

/// The request context of `chimera proxy`: Hummingbird's basic one, the caller's address (which
/// the audit log records), the connection's event loop and the request's id.
public struct ProxyRequestContext: RequestContext, RemoteAddressRequestContext, RequestIDRequestContext, EventLoopRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection the request came on.
    public let remoteAddress: SocketAddress?
    /// The event loop of that connection (see ``EventLoopAffinityMiddleware``).
    public let eventLoop: any EventLoop
    /// The request's id (see ``RequestIDMiddleware``).
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        eventLoop = source.channel.eventLoop
        requestID = ""
    }
}
