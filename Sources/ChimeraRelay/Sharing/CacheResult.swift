/// How an answer was found when the servers share answers (``ResponseSharingConfiguration``):
/// what the `chimera-cache` header says and the metrics count.
public enum CacheResult: String, Sendable {
    /// Written from the cache.
    case hit
    /// Asked upstream; identical requests that came meanwhile may share it.
    case miss
    /// Written from an identical request's upstream call in flight.
    case shared
}
