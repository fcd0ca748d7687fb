import NIOCore
import NIOPosix
import Testing
@testable import ChimeraTransport

@Suite("Event loop affinity of unary exchanges")
struct EventLoopAffinityTests {
    @Test func anExchangeKeepsToTheAffinitysEventLoopWhenTheClientHasIt() {
        let group = MultiThreadedEventLoopGroup.singleton
        #expect(EventLoopAffinity.eventLoop(in: group) == nil)
        for eventLoop in group.makeIterator() {
            EventLoopAffinity.$eventLoop.withValue(eventLoop) {
                #expect(EventLoopAffinity.eventLoop(in: group) === eventLoop)
            }
        }
    }

    @Test func anEventLoopOfAnotherGroupIsNoAffinity() async throws {
        let other = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        EventLoopAffinity.$eventLoop.withValue(other.next()) {
            #expect(EventLoopAffinity.eventLoop(in: MultiThreadedEventLoopGroup.singleton) == nil)
        }
        try await other.shutdownGracefully()
    }
}
