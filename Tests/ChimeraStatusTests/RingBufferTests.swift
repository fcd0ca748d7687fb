import ChimeraStatus
import Testing

@Suite struct RingBufferTests {
    @Test func keepsOnlyTheLastCapacityElementsOldestFirst() {
        var buffer = RingBuffer<Int>(capacity: 100)
        for value in 0..<1_000 { buffer.append(value) }
        #expect(buffer.count == 100)
        #expect(buffer.elements == Array(900..<1_000))
        #expect(buffer.last == 999)
    }

    @Test func aBufferNotYetFullHoldsWhatWasAppended() {
        var buffer = RingBuffer<String>(capacity: 4)
        #expect(buffer.isEmpty && buffer.last == nil)
        buffer.append("a")
        buffer.append("b")
        #expect(buffer.elements == ["a", "b"])
    }

    @Test func updateLastChangesTheNewestEvenAfterWrapping() {
        var buffer = RingBuffer<Int>(capacity: 3)
        for value in 1...5 { buffer.append(value) }
        buffer.updateLast { $0 *= 10 }
        #expect(buffer.elements == [3, 4, 50])
    }
}
