import ChimeraCore

/// What became of one relayed request, told to a ``Relay``'s observer when the answer is over
/// (for a stream, when its last byte is written): the metrics, the status page and logs are fed
/// from it.
public struct RelayRecord: Sendable {
    /// The provider asked; `nil` when the request could not be read far enough to name one.
    public var provider: ProviderID?
    /// The model asked for.
    public var model: String
    /// Whether the answer streamed.
    public var streamed: Bool
    /// Whether the caller's bytes went upstream as sent.
    public var passedThrough: Bool
    /// How the request travelled.
    public var route: Route
    /// The HTTP status the caller got (200 for a stream, also when it failed midway).
    public var status: Int
    /// The failure, when there was one (before or during the answer).
    public var error: ChimeraError?
    /// Token counts, when the provider reported them.
    public var usage: Usage?
    /// From the request's arrival to the last byte.
    public var latency: Duration
    /// From the request's arrival to the first event of a stream.
    public var timeToFirstEvent: Duration?
    /// The inbound request's id.
    public var requestID: String?
    /// How the answer was found, when the server shares answers.
    public var cache: CacheResult?

    /// Creates a record (the relay does; tests and other observers' tests too).
    public init(
        provider: ProviderID?, model: String, streamed: Bool, passedThrough: Bool, route: Route, status: Int,
        error: ChimeraError?, usage: Usage?, latency: Duration, timeToFirstEvent: Duration? = nil, requestID: String? = nil,
        cache: CacheResult? = nil
    ) {
        self.provider = provider
        self.model = model
        self.streamed = streamed
        self.passedThrough = passedThrough
        self.route = route
        self.status = status
        self.error = error
        self.usage = usage
        self.latency = latency
        self.timeToFirstEvent = timeToFirstEvent
        self.requestID = requestID
        self.cache = cache
    }
}

/// Told about every relayed request.
public struct RelayObserver: Sendable {
    private let handler: @Sendable (RelayRecord) -> Void

    /// Creates an observer.
    public init(_ handler: @escaping @Sendable (RelayRecord) -> Void) { self.handler = handler }

    /// Reports a request.
    public func record(_ record: RelayRecord) { handler(record) }

    /// Both observers, in order.
    public static func both(_ first: RelayObserver?, _ second: RelayObserver?) -> RelayObserver? {
        guard let first else { return second }
        guard let second else { return first }
        return RelayObserver { record in
            first.record(record)
            second.record(record)
        }
    }
}
