/// The end of a prompt prefix that a provider may cache: a fingerprint of everything up to
/// there and its words.
struct CacheCheckpoint: Sendable, Equatable, Hashable {
    /// The fingerprint of the prefix, seeded with the protocol and the model.
    var hash: UInt64
    /// The words of the prefix, as usage counts them.
    var words: Int
}
