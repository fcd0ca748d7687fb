/// Where ``ResponseSharing`` keeps successful answers for ``ResponseSharingConfiguration/cacheTTL``:
/// in the server's memory (``MemoryAnswerStore``) or in PostgreSQL (``PostgresAnswerStore``).
///
/// A store that cannot be reached answers no hit and keeps nothing: the cache may make a request
/// cheaper, never fail it.
protocol AnswerStore: Sendable {
    /// The answer kept under `key`, if it has not expired.
    func lookup(_ key: RequestKey) async -> SharedAnswer.Recording?

    /// Keeps `recording` under `key`, replacing what was there.
    func store(_ recording: SharedAnswer.Recording, under key: RequestKey) async
}

extension SharedAnswer.Recording {
    /// The bytes a stored answer counts against ``ResponseSharingConfiguration/cacheMaxBytes``:
    /// its body and its headers, so a flood of empty answers still meets the bound.
    var storedBytes: Int {
        chunks.reduce(0) { $0 + $1.readableBytes } + headers.reduce(0) { $0 + $1.name.canonicalName.utf8.count + $1.value.utf8.count }
    }
}
