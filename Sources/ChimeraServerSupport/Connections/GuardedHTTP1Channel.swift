import ChimeraCore
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with ``ServerLimits`` on every connection: the connection
/// is admitted through the server's ``ConnectionRegistry`` and gets a ``ConnectionGuard``
/// (after the HTTP codec) and its ``ConnectionByteProbe`` (next to the socket).
///
/// Hummingbird sets the connection up as usual; the two handlers are added around its own, so
/// everything else it does (parsing, pipelining, graceful shutdown) stays as it is.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let limits: ServerLimits
    let registry: ConnectionRegistry
    let healthPaths: Set<String>

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits
        let registry = self.registry
        let healthPaths = self.healthPaths
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let admission = registry.admit(channel)
            channel.closeFuture.whenComplete { _ in registry.remove(channel) }
            let connectionGuard = ConnectionGuard(limits: limits, registry: registry, admission: admission, healthPaths: healthPaths, logger: logger)
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionByteProbe(connectionGuard), position: .first)
            // Right after the codec and the handlers added through the configuration, before
            // Hummingbird's connection state and the channel's async bridge.
            let state = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(connectionGuard, position: .before(state))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
