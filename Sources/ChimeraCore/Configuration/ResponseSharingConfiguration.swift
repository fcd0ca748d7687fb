/// Whether the servers answer identical requests from one upstream call: from a cache of recent
/// answers (`CHIMERA_CACHE`), and by letting identical requests in flight share one call
/// (`CHIMERA_DEDUPLICATE`). Both are off by default: an LLM's answers vary, and only the
/// operator knows whether repeating one is what its clients want.
public struct ResponseSharingConfiguration: Sendable, Hashable {
    /// Where answers are kept.
    public enum CacheStore: String, Sendable, Hashable, CaseIterable {
        /// No cache.
        case off
        /// In the server's memory, bounded by ``ResponseSharingConfiguration/cacheMaxBytes``.
        case memory
        /// In a PostgreSQL table (``ResponseSharingConfiguration/postgres``), shared by every
        /// instance that uses the same database.
        case postgres
    }

    /// Where answers are cached (`CHIMERA_CACHE`).
    public var cache: CacheStore
    /// How long a cached answer is served (`CHIMERA_CACHE_TTL_SECONDS`).
    public var cacheTTL: Duration
    /// The most bytes of answers kept at once (`CHIMERA_CACHE_MAX_BYTES`); the oldest go first.
    public var cacheMaxBytes: Int
    /// Whether identical requests in flight at once share one upstream call (`CHIMERA_DEDUPLICATE`).
    public var deduplicate: Bool
    /// The database of `CHIMERA_CACHE=postgres` (`CHIMERA_POSTGRES_URL`).
    public var postgres: PostgresLocation?

    /// The accepted range of ``cacheMaxBytes``: 1 KiB to 64 GiB.
    public static let acceptedCacheBytes = 1024...(64 << 30)

    /// Creates the settings; the defaults share nothing.
    public init(cache: CacheStore = .off, cacheTTL: Duration = .seconds(300), cacheMaxBytes: Int = 256 << 20, deduplicate: Bool = false, postgres: PostgresLocation? = nil) {
        self.cache = cache
        self.cacheTTL = cacheTTL
        self.cacheMaxBytes = cacheMaxBytes
        self.deduplicate = deduplicate
        self.postgres = postgres
    }

    /// Whether anything is shared at all.
    public var isOn: Bool { cache != .off || deduplicate }
}
