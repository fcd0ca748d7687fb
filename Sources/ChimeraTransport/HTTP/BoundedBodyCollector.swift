import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Reads a unary answer whole on the connection's event loop, for
/// ``HTTPTransport/send(_:timeout:lane:logger:classify:)``: no task reads it chunk by chunk.
///
/// A successful answer longer than `maxBodyBytes` fails the exchange with
/// `NIOTooManyBytesError`, as `collect(upTo:)` does. Of an error answer (status 400 and up)
/// only the first `maxErrorBodyBytes` are kept, enough for any provider's error JSON: a longer
/// one is cut there (``Cut``), not read on, and the connection is closed.
final class BoundedBodyCollector: HTTPClientResponseDelegate {
    typealias Response = HTTPTransport.Reply

    /// Thrown to stop reading an error body that reached its bound; ``cutReply`` holds the answer.
    struct Cut: Error {}

    private struct State {
        var status = 0
        var headers: [(name: String, value: String)] = []
        var body = ByteBuffer()
    }

    private let maxBodyBytes: Int
    private let maxErrorBodyBytes: Int
    private let state = Mutex(State())

    init(maxBodyBytes: Int, maxErrorBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxErrorBodyBytes = maxErrorBodyBytes
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { state in
            state.status = Int(head.status.code)
            state.headers = head.headers.map { ($0.name, $0.value) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        let failure: (any Error)? = state.withLock { state in
            var part = part
            state.body.writeBuffer(&part)
            guard state.status >= 400 else {
                return state.body.readableBytes > maxBodyBytes ? NIOTooManyBytesError(maxBytes: maxBodyBytes) : nil
            }
            guard state.body.readableBytes >= maxErrorBodyBytes else { return nil }
            state.body.moveWriterIndex(to: state.body.readerIndex + maxErrorBodyBytes)
            return Cut()
        }
        if let failure { return task.eventLoop.makeFailedFuture(failure) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        reply
    }

    /// The answer so far: after a ``Cut``, the error answer with the start of its body.
    var reply: Response {
        state.withLock { HTTPTransport.Reply(status: $0.status, headers: $0.headers, buffer: $0.body) }
    }
}
