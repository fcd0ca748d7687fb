extension ChatRequest {
    /// Checks the request against its provider's real limits — the one policy every path
    /// applies (library, `chimera serve`, `chimera proxy`, same-family pass-through included) —
    /// and lists the fields the provider has no use for.
    ///
    /// - Returns: The set fields the provider ignores (see ``ProviderCapabilities/Support``),
    ///   named as a caller of any family recognises them (`seed`, `top_k`, …); an encoder leaves
    ///   them out and a server lists them in `chimera-dropped-fields`; then the top-level members
    ///   of another family's protocol (``extensions``), which this provider's has no place for.
    /// - Parameter family: The protocol the request will be sent in, when it is not the
    ///   provider's own (OpenAI's Responses API); members of another family's protocol are
    ///   dropped or, when the request would mean something else without them, refused.
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` naming the field,
    ///   the provider and what is accepted.
    @discardableResult
    public func validate(speaking family: ProtocolFamily? = nil) throws(ChimeraError) -> [String] {
        let target = family ?? provider.family
        let capabilities = ProviderCapabilities.of(provider)
        let name = provider.displayName
        func refuse(_ message: String) -> ChimeraError { .invalidRequest(message, provider: provider) }

        if model.isEmpty {
            throw refuse("model: must not be empty")
        }
        if model.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw refuse("model: must not contain line breaks or NUL characters")
        }
        if conversation.isEmpty {
            throw refuse("messages: need at least one user or assistant message")
        }
        try check("temperature", temperature, in: capabilities.temperatureRange, for: name)
        try check("top_p", topP, in: 0...1, for: name)
        try check("presence_penalty", presencePenalty, in: -2...2, for: name)
        try check("frequency_penalty", frequencyPenalty, in: -2...2, for: name)
        if let maxTokens, maxTokens < 1 {
            throw refuse("max_tokens: \(maxTokens) is out of range; accepted: 1 or more")
        }
        if let topK, topK < 1 {
            throw refuse("top_k: \(topK) is out of range; accepted: 1 or more")
        }
        if let limit = capabilities.maxStopSequences, stopSequences.count > limit {
            throw refuse("stop: \(stopSequences.count) sequences are more than \(name) accepts; accepted: at most \(limit)")
        }
        if let count = choiceCount, count != 1 {
            guard (1...capabilities.maxChoices).contains(count) else {
                throw refuse(capabilities.maxChoices == 1
                    ? "n: \(name) answers one choice per request; accepted: 1"
                    : "n: \(count) is out of range for \(name); accepted: 1 to \(capabilities.maxChoices)")
            }
            if stream && capabilities.maxChoices > 1 && provider.family != .openAIChat {
                throw refuse("n: several choices are streamed only by OpenAI-compatible providers; ask \(name) for one, or do not stream")
            }
        }
        if let top = logprobs?.top, !(0...20).contains(top) {
            throw refuse("top_logprobs: \(top) is out of range; accepted: 0 to 20")
        }
        for (index, message) in messages.enumerated() {
            for (partIndex, part) in message.parts.enumerated() {
                let field = "messages[\(index)].content[\(partIndex)]"
                switch part {
                case .image where !capabilities.acceptsImages:
                    throw refuse("\(field): \(name) does not accept images")
                case .document where !capabilities.acceptsDocuments:
                    throw refuse("\(field): \(name) does not accept documents")
                case .toolResult(let result):
                    for nested in result.content {
                        if case .image = nested, !capabilities.acceptsImages {
                            throw refuse("\(field): \(name) does not accept images in tool results")
                        }
                    }
                default:
                    break
                }
            }
        }
        if case .jsonSchema? = responseFormat, !capabilities.acceptsJSONSchema {
            throw refuse("response_format: \(name) does not take a JSON Schema; accepted: json_object")
        }
        if case .tool(let forced)? = toolChoice, !tools.contains(where: { $0.name == forced }) {
            throw refuse("tool_choice: names the tool \"\(forced.prefix(64))\", which is not among the request's tools")
        }

        var ignored: [String] = []
        func note(_ field: String, _ isSet: Bool, _ support: ProviderCapabilities.Support) throws(ChimeraError) {
            guard isSet else { return }
            switch support {
            case .supported: break
            case .ignored: ignored.append(field)
            case .refused: throw refuse("\(field): \(name) has no such option")
            }
        }
        try note("top_k", topK != nil, capabilities.topK)
        try note("seed", seed != nil, capabilities.seed)
        try note("presence_penalty", presencePenalty != nil, capabilities.penalties)
        try note("frequency_penalty", frequencyPenalty != nil, capabilities.penalties)
        try note("logprobs", logprobs != nil, capabilities.logprobs)
        try note("user", user != nil, capabilities.endUser)
        try note("metadata", !metadata.isEmpty, capabilities.metadata)
        try note("parallel_tool_calls", parallelToolCalls != nil, capabilities.parallelToolCalls)
        try note("cache_control", usesCacheControl, capabilities.cacheControl)
        // Members of another family's protocol that no domain field holds (`logit_bias`,
        // Gemini's `safetySettings`, an unknown member) have no place in this provider's: they
        // are left out, and said so.
        for family in ProtocolFamily.allCases where family != target {
            for member in extensions[family] ?? [:] where !ignored.contains(member.key) {
                if let refusal = family.refusal(ofMember: member.key, value: member.value, target: name) { throw refuse(refusal) }
                ignored.append(member.key)
            }
        }
        return ignored
    }

    /// Whether any part or tool carries an Anthropic prompt-cache marker.
    public var usesCacheControl: Bool {
        tools.contains { $0.cacheControl != nil } || messages.contains { message in
            message.parts.contains { part in
                switch part {
                case .text(let text): text.cacheControl != nil
                case .image(let media), .document(let media): media.cacheControl != nil
                case .toolResult(let result): result.cacheControl != nil
                case .toolCall, .reasoning, .opaque: false
                }
            }
        }
    }

    private func check(_ field: String, _ value: Double?, in range: ClosedRange<Double>, for name: String) throws(ChimeraError) {
        guard let value else { return }
        guard value.isFinite, range.contains(value) else {
            throw ChimeraError.invalidRequest(
                "\(field): \(value) is out of range for \(name); accepted: \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))",
                provider: provider
            )
        }
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }
}
