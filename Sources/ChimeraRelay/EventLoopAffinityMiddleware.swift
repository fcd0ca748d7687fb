import ChimeraTransport
public import Hummingbird
public import NIOCore

/// A request context that knows the event loop of the connection its request came on.
public protocol EventLoopRequestContext: RequestContext {
    /// The event loop of the request's connection.
    var eventLoop: any EventLoop { get }
}

/// Runs the rest of the request under the connection's ``EventLoopAffinity``, so its unary
/// exchanges upstream stay on the event loop that answers the caller.
public struct EventLoopAffinityMiddleware<Context: EventLoopRequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await EventLoopAffinity.$eventLoop.withValue(context.eventLoop) {
            try await next(request, context)
        }
    }
}
