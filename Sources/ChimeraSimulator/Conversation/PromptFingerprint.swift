import ChimeraCore

/// Accumulates a prompt's parts in order and marks where cacheable prefixes end.
///
/// Each part is hashed by its canonical JSON without `cache_control`, so that moving a cache
/// marker does not change what the content is.
struct PromptFingerprint: Sendable {
    private var hasher: FNV1a
    private var words = 0
    /// The prefixes marked so far, shortest first.
    private(set) var checkpoints: [CacheCheckpoint] = []

    /// Starts a fingerprint for one protocol and model; prefixes never match across them.
    init(protocol name: String, model: String) {
        hasher = FNV1a(seed: "\(name)|\(SimulatorOptions.baseModel(model))")
    }

    /// Adds a part of the prompt and the words it counts.
    mutating func add(_ part: JSONValue, words: Int) {
        hasher.combine(part.removing("cache_control").canonicalSerialized)
        hasher.combine(byte: 0x1E)
        self.words += words
    }

    /// Marks the prompt so far as a cacheable prefix (nothing happens for an empty prefix).
    mutating func checkpoint() {
        guard words > 0, checkpoints.last?.words != words || checkpoints.last?.hash != hasher.value else { return }
        checkpoints.append(CacheCheckpoint(hash: hasher.value, words: words))
    }
}
