import AsyncHTTPClient
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

    /// Where `client` runs a unary exchange's delegate: on the affinity's event loop when it is
    /// one of the client's (a server on an event loop group of its own gets none).
    static func preference(in client: HTTPClient) -> HTTPClient.EventLoopPreference {
        guard let eventLoop, client.eventLoopGroup.makeIterator().contains(where: { $0 === eventLoop }) else { return .indifferent }
        return .delegate(on: eventLoop)
    }
}
