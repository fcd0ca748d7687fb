import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A fake proxy on a loopback port that reads a request and then misbehaves in one chosen way,
/// so each client failure path can be driven by a real socket rather than a mock.
final class MisbehavingServer: Sendable {
    /// What the server does once a request has arrived.
    enum Behaviour: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Accepts, reads, never writes a byte.
        case silent
        /// Writes a valid response one byte every 200 ms, far slower than the client's limits.
        case byteByByte
        /// Writes half a status line and headers, then closes.
        case closeMidHeaders
        /// Answers 200 with a JSON content type and a body that is not JSON.
        case malformedJSON
        /// Starts an event stream, sends one event, then closes without ending the chunked body.
        case truncatedStream

        var description: String { rawValue }
    }

    let behaviour: Behaviour
    let url: URL
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let children: NIOLockedValueBox<[any Channel]>

    private init(behaviour: Behaviour, url: URL, group: MultiThreadedEventLoopGroup, channel: any Channel, children: NIOLockedValueBox<[any Channel]>) {
        self.behaviour = behaviour
        self.url = url
        self.group = group
        self.channel = channel
        self.children = children
    }

    /// Binds 127.0.0.1 on a free port.
    static func start(_ behaviour: Behaviour) async throws -> MisbehavingServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let children = NIOLockedValueBox<[any Channel]>([])
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                children.withLockedValue { $0.append(child) }
                return child.pipeline.addHandler(MisbehavingHandler(behaviour: behaviour))
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            try await group.shutdownGracefully()
            throw ChannelError.unknownLocalAddress
        }
        return MisbehavingServer(behaviour: behaviour, url: URL(string: "http://127.0.0.1:\(port)")!, group: group, channel: channel, children: children)
    }

    /// Closes the listener and every connection it accepted, then stops its thread.
    func shutdown() async throws {
        try await channel.close()
        for child in children.withLockedValue({ $0 }) {
            try? await child.close()  // Already closed by the peer or by the behaviour: nothing to report.
        }
        try await group.shutdownGracefully()
    }

    /// Connections accepted so far.
    var acceptedConnections: Int { children.withLockedValue { $0.count } }
}

private final class MisbehavingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let behaviour: MisbehavingServer.Behaviour
    private let answered = NIOLockedValueBox(false)

    init(behaviour: MisbehavingServer.Behaviour) {
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Only the first read starts the misbehaviour; the rest of the request is irrelevant.
        let first = answered.withLockedValue { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let channel = context.channel
        switch behaviour {
        case .silent:
            break
        case .byteByByte:
            let bytes = Array("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}".utf8)
            Self.drip(bytes[...], on: channel)
        case .closeMidHeaders:
            channel.writeAndFlush(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-ty")).whenComplete { _ in
                channel.close(promise: nil)
            }
        case .malformedJSON:
            let body = "{\"id\": \"x\", \"choices\": [ this is not json"
            let response = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)"
            channel.writeAndFlush(ByteBuffer(string: response), promise: nil)
        case .truncatedStream:
            let event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            let chunk = String(event.utf8.count, radix: 16) + "\r\n" + event + "\r\n"
            channel.writeAndFlush(ByteBuffer(string: head + chunk)).whenComplete { _ in
                channel.eventLoop.scheduleTask(in: .milliseconds(50)) { channel.close(promise: nil) }
            }
        }
    }

    private static func drip(_ bytes: ArraySlice<UInt8>, on channel: any Channel) {
        guard let byte = bytes.first, channel.isActive else { return }
        channel.writeAndFlush(ByteBuffer(bytes: [byte])).whenSuccess {
            channel.eventLoop.scheduleTask(in: .milliseconds(200)) { drip(bytes.dropFirst(), on: channel) }
        }
    }
}
