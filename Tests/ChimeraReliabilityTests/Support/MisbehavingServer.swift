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
        /// Sends a 200 head at once, then its 60-byte JSON body one byte per second.
        case dripBody
        /// The same with a protobuf content type, as the proxy answers a Connect unary call.
        case dripProtobufBody
        /// Sends a 200 head with a chunked JSON body, five one-byte chunks 100 ms apart, then
        /// closes without ending the body: a proxy that dripped and then gave up.
        case dripThenClose
        /// Answers every request with an OpenAI event stream that never ends, 16 KiB of text per
        /// event, one every 20 ms: a client that stops reading stalls its relay within seconds.
        case endlessStream
        /// Answers 401 quoting the key it was sent in plain prose, as some providers do
        /// ("the key … is invalid"), with no label a pattern could recognise.
        case echoKey

        var description: String { rawValue }

        /// The faults every request, unary or streamed, must survive within one limit; the
        /// others serve tests of their own (a dripped body is a unary fault, an echoed key a
        /// redaction check).
        static let connectionFaults: [Behaviour] = [.silent, .byteByByte, .closeMidHeaders, .malformedJSON, .truncatedStream]
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

    /// Connections still open: a client that gave up on its request closed its own.
    var openConnections: Int { children.withLockedValue { $0.filter(\.isActive).count } }
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
            Self.drip(bytes[...], every: .milliseconds(200), on: channel)
        case .dripBody, .dripProtobufBody:
            let contentType = behaviour == .dripBody ? "application/json" : "application/proto"
            let body = Array(repeating: UInt8(ascii: " "), count: 60)
            channel.writeAndFlush(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-type: \(contentType)\r\ncontent-length: \(body.count)\r\n\r\n")).whenSuccess {
                Self.drip(body[...], every: .seconds(1), on: channel)
            }
        case .dripThenClose:
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            channel.writeAndFlush(ByteBuffer(string: head)).whenSuccess {
                Self.drip(Array("1\r\n \r\n1\r\n \r\n1\r\n \r\n1\r\n \r\n1\r\n \r\n".utf8)[...], every: .milliseconds(20), on: channel) {
                    channel.close(promise: nil)
                }
            }
        case .endlessStream:
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            let text = String(repeating: "x", count: 16 << 10)
            let event = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"# + "\n\n"
            let chunk = ByteBuffer(string: String(event.utf8.count, radix: 16) + "\r\n" + event + "\r\n")
            channel.writeAndFlush(ByteBuffer(string: head)).whenSuccess { Self.repeatForever(chunk, on: channel) }
        case .echoKey:
            let head = String(buffer: unwrapInboundIn(data))
            let key = head.split(separator: "\r\n").lazy.compactMap { line -> Substring? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                let name = parts[0].lowercased()
                let value = parts[1].drop { $0 == " " }
                if name == "authorization" { return value.split(separator: " ").last }
                return name == "x-api-key" || name == "x-goog-api-key" ? value : nil
            }.first ?? "(none)"
            let body = #"{"error":{"message":"Authentication Fails, the key \#(key) is invalid","type":"authentication_error","code":"invalid_api_key"}}"#
            channel.writeAndFlush(ByteBuffer(string: "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)")).whenComplete { _ in
                // One answer per connection (only a connection's first read is looked at).
                channel.close(promise: nil)
            }
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

    /// Writes `chunk` again each time the last one reached the socket, until the connection closes.
    private static func repeatForever(_ chunk: ByteBuffer, on channel: any Channel) {
        guard channel.isActive else { return }
        // Paced (800 KB/s), not as fast as the loop can: a reader's buffers still fill within a
        // second, and the relay under test does not spend both cores of a small machine on
        // stream events nobody reads, starving the tests that run beside it.
        channel.writeAndFlush(chunk).whenSuccess {
            channel.eventLoop.scheduleTask(in: .milliseconds(20)) { repeatForever(chunk, on: channel) }
        }
    }

    /// Writes `bytes` one at a time, `interval` apart, then calls `done`.
    private static func drip(_ bytes: ArraySlice<UInt8>, every interval: TimeAmount, on channel: any Channel, then done: @escaping @Sendable () -> Void = {}) {
        guard channel.isActive else { return }
        guard let byte = bytes.first else { return done() }
        channel.writeAndFlush(ByteBuffer(bytes: [byte])).whenSuccess {
            channel.eventLoop.scheduleTask(in: interval) { drip(bytes.dropFirst(), every: interval, on: channel, then: done) }
        }
    }
}
