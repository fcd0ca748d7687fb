import ChimeraCore

extension ChatRequest {
    /// The request, once ``ChatRequest/validate()`` accepts it: what every codec's
    /// `decodeRequest` returns.
    ///
    /// - Throws: The validation error, naming the provider the request was for.
    func validated() throws(ChimeraError) -> ChatRequest {
        do {
            try validate()
        } catch {
            var error = error
            error.provider = provider
            throw error
        }
        return self
    }
}
