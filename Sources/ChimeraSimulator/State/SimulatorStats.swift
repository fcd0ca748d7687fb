import ChimeraCore

/// What the simulator has seen since it started or since ``RunningSimulator/resetStats()``.
///
/// A snapshot; `GET /_simulator/stats` answers the same as JSON. Requests to the stats route
/// itself are not counted.
public struct SimulatorStats: Sendable, Hashable, Codable {
    /// Requests per route, keyed by ``SimulatorRoute`` raw value (`"POST /v1/messages"`).
    public var requestsByRoute: [String: Int]
    /// Requests per provider flavour, keyed by ``ChimeraCore/ProviderID`` raw value.
    ///
    /// The flavour follows the route, and on the OpenAI route the model name: a model starting
    /// with `deepseek`, `qwen` or `cursor` is that provider's, any other is OpenAI's.
    public var requestsByProvider: [String: Int]
    /// Chat requests per model string, exactly as sent (fault switches included).
    public var requestsByModel: [String: Int]
    /// Responses whose client went away before the response was completely written.
    public var disconnects: Int
    /// TCP connections accepted.
    public var acceptedConnections: Int
    /// TCP connections open when the snapshot was taken (not reset by ``RunningSimulator/resetStats()``).
    public var openConnections: Int
    /// The most connections that had a request in flight at once (not reset by
    /// ``RunningSimulator/resetStats()``): never more than the clients had requests in flight,
    /// as each connection stops counting before its answer's end is sent.
    public var mostBusyConnections: Int

    /// Creates empty statistics.
    public init() {
        requestsByRoute = [:]
        requestsByProvider = [:]
        requestsByModel = [:]
        disconnects = 0
        acceptedConnections = 0
        openConnections = 0
        mostBusyConnections = 0
    }

    /// All counted requests.
    public var totalRequests: Int { requestsByRoute.values.reduce(0, +) }

    /// The requests to one route.
    public func requests(on route: SimulatorRoute) -> Int { requestsByRoute[route.rawValue, default: 0] }

    /// The requests attributed to one provider flavour.
    public func requests(for provider: ProviderID) -> Int { requestsByProvider[provider.rawValue, default: 0] }

    /// The chat requests that named exactly this model string.
    public func requests(forModel model: String) -> Int { requestsByModel[model, default: 0] }
}
