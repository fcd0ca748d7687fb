import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP connection driven byte by byte, for what an HTTP client library never does: send half
/// a head, stop mid-body, open a connection and say nothing, or never read the answer.
final class RawConnection: Sendable {
    private let channel: any Channel
    private let received: NIOLockedValueBox<ByteBuffer>
    private let timeline: NIOLockedValueBox<Timeline>

    /// When bytes last arrived and when the connection closed, stamped on the event loop as it
    /// happens: a test that is scheduled late on a loaded machine still measures the server.
    private struct Timeline {
        var opened: ContinuousClock.Instant?
        var lastReceived: ContinuousClock.Instant?
        var closed: ContinuousClock.Instant?
    }

    private init(channel: any Channel, received: NIOLockedValueBox<ByteBuffer>, timeline: NIOLockedValueBox<Timeline>) {
        self.channel = channel
        self.received = received
        self.timeline = timeline
    }

    /// Connects to `port` on 127.0.0.1.
    ///
    /// - Parameters:
    ///   - reading: `false` for a client that never reads: nothing is taken from the socket, so
    ///     once its small receive buffer is full the server's writes stall.
    static func open(port: Int, reading: Bool = true) async throws -> RawConnection {
        let received = NIOLockedValueBox(ByteBuffer())
        let timeline = NIOLockedValueBox(Timeline())
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: reading)
        if !reading {
            // A few KiB, so a stream fills it quickly; set before connecting, as the window
            // is agreed in the handshake.
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: 4096)
        }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received, timeline: timeline))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawConnection(channel: channel, received: received, timeline: timeline)
    }

    /// Sends `text` as it is.
    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Sends `pieces` one after another, each `interval` after the previous one went out.
    ///
    /// Timed on the connection's event loop: a test task sleeping between sends may be woken
    /// seconds late when every cooperative thread of a loaded machine is busy.
    func send(_ pieces: [String], every interval: TimeAmount) async throws {
        let channel = channel
        var sent = channel.eventLoop.makeSucceededVoidFuture()
        for piece in pieces {
            sent = sent
                .flatMap { channel.eventLoop.scheduleTask(in: interval) {}.futureResult }
                .flatMap { channel.writeAndFlush(ByteBuffer(string: piece)) }
        }
        try await sent.get()
    }

    /// Whether the server closed the connection (seen only by a reading connection).
    var isClosed: Bool { !channel.isActive }

    /// How long the connection stayed open after its last received byte, once it closed.
    var silenceBeforeClose: Duration? {
        timeline.withLockedValue { timeline in
            guard let closed = timeline.closed, let last = timeline.lastReceived else { return nil }
            return closed - last
        }
    }

    /// How long the connection was open, from its connection to its close by either side.
    var lifetime: Duration? {
        timeline.withLockedValue { timeline in
            guard let closed = timeline.closed, let opened = timeline.opened else { return nil }
            return closed - opened
        }
    }

    /// Everything received so far.
    var text: String { received.withLockedValue { String(buffer: $0) } }

    /// Waits until the server closes the connection, at most `timeout`.
    ///
    /// - Returns: Whether it closed in time.
    func waitForClose(within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while channel.isActive, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return !channel.isActive
    }

    /// Waits until `text` contains `fragment`, at most `timeout`.
    func waitFor(_ fragment: String, within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !text.contains(fragment), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return text.contains(fragment)
    }

    /// Closes the connection from this side.
    func close() async {
        try? await channel.close()  // Already closed by the server: nothing left to do.
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<ByteBuffer>
        let timeline: NIOLockedValueBox<Timeline>
        init(received: NIOLockedValueBox<ByteBuffer>, timeline: NIOLockedValueBox<Timeline>) {
            self.received = received
            self.timeline = timeline
        }

        func channelActive(context: ChannelHandlerContext) {
            timeline.withLockedValue { $0.opened = .now }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.withLockedValue { _ = $0.writeBuffer(&bytes) }
            timeline.withLockedValue { $0.lastReceived = .now }
        }

        func channelInactive(context: ChannelHandlerContext) {
            timeline.withLockedValue { $0.closed = .now }
            context.fireChannelInactive()
        }
    }
}

/// Closes every connection, however many.
func closeAll(_ connections: [RawConnection]) async {
    for connection in connections { await connection.close() }
}
