import ChimeraCore

/// Anthropic's token counts, as its `usage` objects report them: input apart from cache writes
/// and cache reads, output with its thinking share.
///
/// The domain counts input with cache writes and reads included (``Usage/inputTokens``), cached
/// = read, cache write = creation, reasoning = `output_tokens_details.thinking_tokens`; writing
/// it back splits the input again (`input_tokens` = input − cached − cache write).
struct AnthropicMessagesUsage: Sendable, Hashable {
    var input: Int?
    var cacheCreation: Int?
    var cacheRead: Int?
    var output: Int?
    var thinking: Int?

    /// The members of a `usage` object that these counts stand for; the others
    /// (`service_tier`, `server_tool_use`, `cache_creation`, …) have no place in ``Usage``.
    static let countMembers: Set<String> = [
        "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens", "output_tokens_details",
    ]

    init() {}

    /// Reads a `usage` object; counts it has replace those held, since `message_delta` repeats
    /// cumulative totals and may leave out the input counts of `message_start`.
    mutating func read(_ field: JSONField) throws(FieldError) {
        guard field.isPresent else { return }
        _ = try field.object()
        input = try field["input_tokens"].optionalInt() ?? input
        cacheCreation = try field["cache_creation_input_tokens"].optionalInt() ?? cacheCreation
        cacheRead = try field["cache_read_input_tokens"].optionalInt() ?? cacheRead
        output = try field["output_tokens"].optionalInt() ?? output
        thinking = try field["output_tokens_details"]["thinking_tokens"].optionalInt() ?? thinking
    }

    /// The domain's counts (sums saturate: counts come from untrusted bodies).
    var usage: Usage {
        var usage = Usage.wire(input: [input ?? 0, cacheCreation ?? 0, cacheRead ?? 0], output: [output ?? 0], total: nil)
        usage.cachedInputTokens = cacheRead
        usage.cacheWriteTokens = cacheCreation
        usage.reasoningTokens = thinking
        return usage
    }

    /// The `usage` object of an answer: the four counts Anthropic always writes, thinking
    /// tokens when known, and `extras` (members an Anthropic upstream sent that the domain has
    /// no place for) after them.
    static func json(_ usage: Usage?, extras: JSONObject? = nil) -> JSONValue {
        let usage = usage ?? Usage(inputTokens: 0, outputTokens: 0)
        let cached = max(usage.cachedInputTokens ?? 0, 0)
        let written = max(usage.cacheWriteTokens ?? 0, 0)
        let (rest, overflow) = usage.inputTokens.subtractingReportingOverflow(cached.addingReportingOverflow(written).partialValue)
        var object: JSONObject = [
            "input_tokens": .int(overflow ? 0 : max(rest, 0)),
            "cache_creation_input_tokens": .int(written),
            "cache_read_input_tokens": .int(cached),
            "output_tokens": .int(usage.outputTokens),
        ]
        if let thinking = usage.reasoningTokens { object["output_tokens_details"] = ["thinking_tokens": .int(thinking)] }
        for member in extras ?? [:] where object[member.key] == nil { object[member.key] = member.value }
        return .object(object)
    }
}
