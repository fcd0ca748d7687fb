import NIOCore

/// The front of a connection's pipeline, next to the socket: tells its ``ConnectionGuard``
/// when bytes arrive and when writes reach the socket.
///
/// The guard itself sees parsed HTTP parts, which say nothing of a request head that arrives a
/// byte at a time or of a response stuck behind a client that stopped reading; bytes do.
final class ConnectionByteProbe: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let connectionGuard: ConnectionGuard

    init(_ connectionGuard: ConnectionGuard) {
        self.connectionGuard = connectionGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connectionGuard.bytesArrived()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // A write completes once the socket took its bytes; one still pending is a client not reading.
        let promise = promise ?? context.eventLoop.makePromise()
        connectionGuard.writeStarted()
        let connectionGuard = self.connectionGuard
        promise.futureResult.assumeIsolated().whenComplete { _ in connectionGuard.writeFinished() }
        context.write(data, promise: promise)
    }
}
