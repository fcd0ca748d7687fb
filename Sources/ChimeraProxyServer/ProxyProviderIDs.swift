import ChimeraCore

/// The provider ids `chimera proxy` accepts in a path prefix (`/claude-custom/v1/messages`) or a
/// `Model-Provider` header, as AIClient-2-API names them, mapped to Chimera's providers.
public enum ProxyProviderIDs {
    /// Every accepted id and the provider it selects.
    public static let all: [(id: String, provider: ProviderID)] = [
        ("openai-custom", .openai),
        ("claude-custom", .anthropic),
        ("claude-kiro-oauth", .anthropic),
        ("gemini-cli-oauth", .gemini),
        ("gemini-antigravity", .gemini),
        ("openai-custom-deepseek", .deepseek),
        ("openai-qwen-oauth", .qwen),
        ("openai-custom-cursor", .cursor),
    ]

    /// The provider an id selects, or `nil` for an unknown id.
    ///
    /// Exact ids first, then Chimera's own provider names (`openai`, `anthropic`, …), then, as
    /// AIClient-2-API does for pool groups, an id that extends a known one with `-<suffix>`
    /// (`openai-custom-2` → OpenAI; the longest known id wins, so `openai-custom-deepseek-2` →
    /// DeepSeek).
    public static func provider(for id: String) -> ProviderID? {
        let id = id.lowercased()
        if let exact = all.first(where: { $0.id == id }) { return exact.provider }
        if let own = ProviderID(rawValue: id) { return own }
        return all
            .filter { id.hasPrefix($0.id + "-") }
            .max { $0.id.count < $1.id.count }?
            .provider
    }

    /// The accepted ids, for error messages.
    public static var list: String {
        (all.map(\.id) + ProviderID.allCases.map(\.rawValue)).joined(separator: ", ")
    }

    /// The error for an id that selects nothing.
    static func unknown(_ id: String, from source: String) -> ChimeraError {
        ChimeraError.invalidRequest("\(source) names an unknown provider \"\(id.prefix(64))\"; accepted: \(list)")
    }
}
