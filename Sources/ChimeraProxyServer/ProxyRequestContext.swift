import Hummingbird
import NIOCore

/// The request context of `chimera proxy`: Hummingbird's basic one plus the caller's address,
/// which the audit log records.
public struct ProxyRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection the request came on.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
