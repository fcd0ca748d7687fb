import ChimeraCore
import ChimeraRelay
import ChimeraWire
import Hummingbird

extension APIServer {
    /// `POST /v1/chat/completions`: OpenAI's Chat Completions, so any OpenAI SDK can use Chimera
    /// with `base_url` set to `<server>/v1`.
    ///
    /// The model names the provider: `"model": "anthropic/claude-sonnet-4-5"`. The relay reads
    /// and answers the body exactly as `chimera proxy` does — tools, images, reasoning, structured
    /// output and every other field; an OpenAI-compatible provider gets the body as sent but for
    /// the model. Errors use OpenAI's error shape. A stream ends with `data: [DONE]` and carries
    /// the usage chunk (`"choices": []`) only when `stream_options.include_usage` asked for it, as
    /// OpenAI does: clients that read `choices[0]` of every chunk would trip over it otherwise.
    func chatCompletions(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await relayNamingItsProvider(request, context: context, caller: OpenAIChatBinding(provider: .openai))
    }

    /// Relays a request whose model is written `<provider>/<model>`, read and answered in
    /// `caller`'s protocol (Chat Completions, Responses).
    func relayNamingItsProvider(_ request: Request, context: APIRequestContext, caller: any CallerBinding) async throws -> Response {
        let body = try await request.wholeBody(upTo: options.maxBodyBytes)
        let inbound = InboundChat(
            provider: nil, body: Array(buffer: body), headers: InboundChat.headers(request.headers),
            retarget: Self.providerAndModel
        )
        return await relay.chat(inbound, caller: caller, context: CallContext(request, requestID: context.requestID))
    }

    /// The provider and model of a chat completion whose model is written `<provider>/<model>`.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the model and the providers.
    @Sendable static func providerAndModel(_ request: ChatRequest) throws(ChimeraError) -> (provider: ProviderID, model: String) {
        try providerAndModel(named: request.model)
    }

    /// The provider and model of a model written `<provider>/<model>`.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the model and the providers.
    @Sendable static func providerAndModel(named model: String) throws(ChimeraError) -> (provider: ProviderID, model: String) {
        let providers = ProviderID.allCases.map(\.rawValue).joined(separator: ", ")
        guard let slash = model.firstIndex(of: "/") else {
            throw ChimeraError.invalidRequest(
                "model: \"\(model.prefix(64))\" names no provider; write it as <provider>/<model>, e.g. openai/gpt-4.1; providers: \(providers)"
            )
        }
        let name = model[..<slash]
        guard let provider = ProviderID(rawValue: name.lowercased()) else {
            throw ChimeraError.invalidRequest("model: \"\(name.prefix(64))\" is not a provider; write the model as <provider>/<model>; providers: \(providers)")
        }
        return (provider, String(model[model.index(after: slash)...]))
    }
}
