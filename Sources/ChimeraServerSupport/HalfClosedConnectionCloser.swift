import NIOCore

/// Closes a connection as soon as the client closes its sending side.
///
/// Hummingbird allows remote half-closure, so a client that goes away mid-response leaves the
/// channel open until a write happens to fail, and a handler that is waiting (a slow upstream,
/// a stalled stream) never learns of it. HTTP/1.1 clients do not half-close while they still
/// want an answer, so, like nginx, this treats end of input as the client leaving: the channel
/// closes, its `closeFuture` completes and later writes fail at once.
final class HalfClosedConnectionCloser: ChannelInboundHandler, RemovableChannelHandler {
    /// Request parts pass through untouched.
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
