public import NIOCore

/// The event loop of the inbound connection a call serves, for the unary exchanges it makes
/// upstream.
///
/// AsyncHTTPClient runs a unary exchange's delegate on one event loop and its connection's
/// channel on another unless told otherwise: each part of the answer (head, body, end) and each
/// request for more then hops between the two, waking a thread each time. An exchange started
/// under an affinity runs its delegate on this event loop and prefers a pooled connection on
/// it, so the whole exchange, the inbound connection included, stays on one thread. A hint
/// only: any idle connection is still used when none is on this event loop.
public enum EventLoopAffinity {
    /// The event loop to keep the call's exchanges on; `nil` lets AsyncHTTPClient choose.
    @TaskLocal public static var eventLoop: (any EventLoop)?

    /// The affinity's event loop when it is one of `group`'s, where AsyncHTTPClient can run an
    /// exchange's delegate; a server on an event loop group of its own gets none.
    static func eventLoop(in group: any EventLoopGroup) -> (any EventLoop)? {
        guard let eventLoop, group.makeIterator().contains(where: { $0 === eventLoop }) else { return nil }
        return eventLoop
    }
}
