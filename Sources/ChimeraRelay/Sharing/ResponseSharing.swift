import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Answers identical requests from one upstream call (``ResponseSharingConfiguration``): from
/// the cache while an answer is fresh, and, for requests in flight at the same time, from the
/// one call the first of them made, streams fanned out from their first event.
///
/// Only successful answers are kept. A caller's `Cache-Control: no-cache` skips both (it wants
/// a fresh answer, which is then cached); `no-store` also keeps its answer out of the cache.
final class ResponseSharing: Sendable {
    /// The header that tells a caller how its answer was found.
    static let resultHeader = HTTPField.Name("chimera-cache")!

    private let cache: (any AnswerStore)?
    private let deduplicates: Bool
    private let inFlight = Mutex<[RequestKey: SharedAnswer]>([:])
    /// What must run for the cache to work: the PostgreSQL client of `CHIMERA_CACHE=postgres`.
    let services: [any Service]

    /// The sharing `configuration` asks for, or `nil` when it shares nothing.
    init?(_ configuration: ResponseSharingConfiguration, logger: Logger) {
        guard configuration.isOn else { return nil }
        switch (configuration.cache, configuration.postgres) {
        case (.memory, _):
            cache = MemoryAnswerStore(ttl: configuration.cacheTTL, maxBytes: configuration.cacheMaxBytes)
            services = []
        case (.postgres, let location?):
            let store = PostgresAnswerStore(location: location, ttl: configuration.cacheTTL, maxBytes: configuration.cacheMaxBytes, logger: logger)
            cache = store
            services = [store.client]
        case (.off, _), (.postgres, nil):
            // Configuration refuses postgres without its URL; a configuration built in code gets no cache.
            cache = nil
            services = []
        }
        deduplicates = configuration.deduplicate
    }

    /// The answer to the request `key` stands for: from the cache, from an identical request in
    /// flight, or from `produce`, whose answer is then kept and shared.
    func answer(_ key: RequestKey, headers: [(name: String, value: String)], produce: @escaping @Sendable () async -> Response) async -> (Response, CacheResult) {
        var (response, result) = await find(key, directives: CacheDirectives(headers), produce: produce)
        if cache != nil || result != .miss { response.headers[Self.resultHeader] = result.rawValue }
        return (response, result)
    }

    private func find(_ key: RequestKey, directives: CacheDirectives, produce: @escaping @Sendable () async -> Response) async -> (Response, CacheResult) {
        if directives.wantsFresh {
            guard let cache, directives.mayStore else { return (await produce(), .miss) }
            return (await recorded(key, produce: produce, into: cache), .miss)
        }
        if let recording = await cache?.lookup(key) {
            return (recording.response, .hit)
        }
        let store = directives.mayStore ? cache : nil
        guard deduplicates else {
            guard let store else { return (await produce(), .miss) }
            return (await recorded(key, produce: produce, into: store), .miss)
        }
        let (shared, result) = inFlight.withLock { flights -> (SharedAnswer, CacheResult) in
            if let shared = flights[key] { return (shared, .shared) }
            let shared = SharedAnswer(produce: produce) { [self] recording in
                // Kept before it leaves the flights, so an identical request never misses both.
                if let recording { await store?.store(recording, under: key) }
                inFlight.withLock { _ = $0.removeValue(forKey: key) }
            }
            flights[key] = shared
            return (shared, .miss)
        }
        guard result == .shared else { return (await shared.firstResponse(), .miss) }
        if let response = await shared.joiningResponse() { return (response, .shared) }
        return (await produce(), .miss)
    }

    /// `produce`'s answer, kept in `cache` once it has succeeded.
    private func recorded(_ key: RequestKey, produce: @escaping @Sendable () async -> Response, into cache: any AnswerStore) async -> Response {
        let answer = SharedAnswer(produce: produce) { recording in
            if let recording { await cache.store(recording, under: key) }
        }
        return await answer.firstResponse()
    }
}

/// What a caller's `Cache-Control` asks of the cache.
struct CacheDirectives {
    /// `no-cache` or `no-store`: nothing stored or in flight may answer.
    var wantsFresh = false
    /// Not `no-store`: the answer may be kept.
    var mayStore = true

    init(_ headers: [(name: String, value: String)]) {
        for header in headers where header.name == "cache-control" {
            for directive in header.value.split(separator: ",") {
                switch directive.trimmingCharacters(in: .whitespaces).lowercased() {
                case "no-cache": wantsFresh = true
                case "no-store": wantsFresh = true; mayStore = false
                default: break
                }
            }
        }
    }
}
