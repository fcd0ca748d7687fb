import ChimeraWire
import Hummingbird

extension APIServer {
    /// `POST /v1/responses`: OpenAI's Responses API, so the openai SDKs' `responses.create` and
    /// the agents built on it can use Chimera with `base_url` set to `<server>/v1`.
    ///
    /// The model names the provider, as for ``chatCompletions(_:context:)``:
    /// `"model": "anthropic/claude-sonnet-4-5"`. Any provider answers through the domain model;
    /// OpenAI gets the body as sent but for the model, so what only OpenAI keeps or runs
    /// (`previous_response_id`, built-in tools) works there and is refused by name elsewhere.
    func responses(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await relayNamingItsProvider(request, context: context, caller: OpenAIResponsesBinding(provider: .openai))
    }
}
