import ChimeraRelay
import Hummingbird
import Logging
import NIOCore

/// The request context of the API server: Hummingbird's core context, the connection's event
/// loop and the request's id.
///
/// The id is the one Hummingbird puts in the request's logger metadata (`hb.request.id`), so a
/// response's `x-request-id` matches its log lines. A logger that keeps no metadata (a silent
/// one) has none to give; a fresh id is made then, so every response still carries one.
public struct APIRequestContext: RequestContext, EventLoopRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request's id, sent back as `x-request-id`.
    public let requestID: String
    /// The event loop of the request's connection (see ``EventLoopAffinityMiddleware``).
    public let eventLoop: any EventLoop

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = source.logger[metadataKey: "hb.request.id"]?.description ?? RequestID().description
        eventLoop = source.channel.eventLoop
    }
}
