import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Testing

@testable import ChimeraRelay

/// ``SharedAnswer`` on its own, for the orders a loaded server makes rare: a caller who joins
/// after the answer ended, or after it failed part-way.
@Suite("One answer for several callers")
struct SharedAnswerTests {
    /// Collects what a response body writes.
    final class Collected: @unchecked Sendable {
        var chunks: [String] = []
    }

    struct CollectingWriter: ResponseBodyWriter {
        let collected: Collected
        mutating func write(_ buffer: ByteBuffer) async throws { collected.chunks.append(String(buffer: buffer)) }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    static func written(_ response: Response) async throws -> [String] {
        let collected = Collected()
        try await response.body.write(CollectingWriter(collected: collected))
        return collected.chunks
    }

    /// Starts an answer whose body is `chunks`, then fails if `failing`; returns once it is over.
    static func finishedAnswer(_ chunks: [String], failing: Bool = false) async -> (SharedAnswer, SharedAnswer.Recording?) {
        let (ended, end) = AsyncStream<SharedAnswer.Recording?>.makeStream()
        let answer = SharedAnswer(produce: {
            Response(status: .ok, body: ResponseBody { writer in
                for chunk in chunks { try await writer.write(ByteBuffer(string: chunk)) }
                if failing { throw CancellationError() }
                try await writer.finish(nil)
            })
        }, finished: { recording in
            end.yield(recording)
            end.finish()
        })
        var iterator = ended.makeAsyncIterator()
        let recording = await iterator.next() ?? nil
        return (answer, recording)
    }

    @Test func aCallerWhoJoinsAfterTheEndGetsTheWholeAnswer() async throws {
        let (answer, recording) = await Self.finishedAnswer(["data: a\n\n", "data: b\n\n"])
        #expect(recording?.chunks.map { String(buffer: $0) } == ["data: a\n\n", "data: b\n\n"])
        #expect(try await Self.written(await answer.firstResponse()) == ["data: a\n\n", "data: b\n\n"])
        let joining = try #require(await answer.joiningResponse())
        #expect(try await Self.written(joining) == ["data: a\n\n", "data: b\n\n"])
    }

    @Test func anAnswerThatFailedPartWayIsNotKeptNorJoined() async throws {
        let (answer, recording) = await Self.finishedAnswer(["data: a\n\n"], failing: true)
        #expect(recording == nil)
        #expect(await answer.joiningResponse() == nil)
        // Its own caller gets what was written, then the failure, as without sharing.
        await #expect(throws: CancellationError.self) { try await Self.written(await answer.firstResponse()) }
    }
}
