/// A buffer that keeps the last ``capacity`` elements appended to it: appending to a full buffer
/// drops the oldest.
///
/// The status page's memory is bounded by these: whatever the traffic, a server keeps at most
/// ``capacity`` requests, health samples or buckets.
public struct RingBuffer<Element> {
    /// The most elements kept.
    public let capacity: Int
    private var storage: [Element] = []
    /// Where the next element goes once the buffer is full: the index of the oldest.
    private var head = 0

    /// Creates an empty buffer.
    ///
    /// - Parameter capacity: The most elements kept; at least 1.
    public init(capacity: Int) {
        precondition(capacity > 0, "a ring buffer keeps at least one element")
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    /// How many elements the buffer holds.
    public var count: Int { storage.count }

    /// Whether the buffer holds nothing.
    public var isEmpty: Bool { storage.isEmpty }

    /// Appends `element`, dropping the oldest when the buffer is full.
    public mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    /// The newest element.
    public var last: Element? {
        guard !storage.isEmpty else { return nil }
        return storage[(head + storage.count - 1) % storage.count]
    }

    /// Replaces the newest element; does nothing when the buffer is empty.
    public mutating func updateLast(_ update: (inout Element) -> Void) {
        guard !storage.isEmpty else { return }
        update(&storage[(head + storage.count - 1) % storage.count])
    }

    /// Every element, oldest first.
    public var elements: [Element] {
        Array(storage[head...] + storage[..<head])
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
