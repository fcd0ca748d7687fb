import Synchronization

/// The simulator's memory of prompt prefixes, for the cached-token counts of usage.
///
/// Remembers the last ``capacity`` prefixes (least recently used ones are forgotten). A request
/// reads from the cache the longest of its prefixes seen before; Anthropic also writes the rest
/// up to its last marker. Implicit caches (OpenAI, Gemini) only keep prefixes of at least
/// ``implicitMinimumWords``, as the real services need 1024 tokens; so short test prompts are
/// never cached, and two identical short requests report identical usage.
final class PromptCache: Sendable {
    /// How many prefixes are remembered.
    static let capacity = 1024
    /// The shortest prefix an implicit cache keeps.
    static let implicitMinimumWords = 1024

    /// What a request got from the cache.
    struct Outcome: Sendable, Equatable {
        /// Words read from the cache.
        var read = 0
        /// Words written to the cache (Anthropic).
        var created = 0
    }

    private struct Entries {
        var lastUse: [CacheCheckpoint: UInt64] = [:]
        var clock: UInt64 = 0
    }

    private let entries = Mutex(Entries())

    /// Looks the prefixes up and remembers them.
    ///
    /// - Parameters:
    ///   - checkpoints: The request's cacheable prefixes, shortest first.
    ///   - implicit: Whether the provider caches on its own (then short prefixes do not count
    ///     and nothing is reported as written).
    func use(_ checkpoints: [CacheCheckpoint], implicit: Bool) -> Outcome {
        let eligible = implicit ? checkpoints.filter { $0.words >= Self.implicitMinimumWords } : checkpoints
        guard let last = eligible.last else { return Outcome() }
        return entries.withLock { entries in
            let read = eligible.filter { entries.lastUse[$0] != nil }.map(\.words).max() ?? 0
            let created = implicit || entries.lastUse[last] != nil ? 0 : last.words - read
            for checkpoint in eligible {
                entries.clock += 1
                entries.lastUse[checkpoint] = entries.clock
            }
            while entries.lastUse.count > Self.capacity, let oldest = entries.lastUse.min(by: { $0.value < $1.value })?.key {
                entries.lastUse[oldest] = nil
            }
            return Outcome(read: read, created: created)
        }
    }
}
