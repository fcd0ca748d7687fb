import ChimeraCore
import HTTPTypes
import Hummingbird

/// The OpenAI Responses API, `POST /v1/responses` (wire-format reference §1b).
///
/// Authentication, error bodies and headers are Chat Completions' (``OpenAIDialect``); the
/// request and the answer are this API's own: `ResponsesDialect+Request.swift` reads requests,
/// `ResponsesDialect+Answer.swift` writes response objects and the typed event stream.
/// Stored responses are remembered (the last 100) so that `previous_response_id` can continue
/// them.
struct ResponsesDialect: ChatDialect {
    private let chat = OpenAIDialect()

    func provider(forModel model: String?) -> ProviderID { chat.provider(forModel: model) }

    func authenticate(_ request: Request) -> SimulatedFailure? { chat.authenticate(request) }

    func error(_ failure: SimulatedFailure, exchange: Exchange) -> (status: Int, body: String) {
        chat.error(failure, exchange: exchange)
    }

    func identityHeaders(_ exchange: Exchange) -> HTTPFields { chat.identityHeaders(exchange) }

    /// The id of the response to `exchange`.
    static func responseID(_ exchange: Exchange) -> String { "resp_sim\(exchange.number)" }

    /// The `call_id` of the answer's call at `index`.
    static func callID(_ exchange: Exchange, _ index: Int) -> String { "call_sim\(exchange.number)_\(index)" }

    func remember(_ answer: SimulatedAnswer, exchange: Exchange, prompt: ChatPrompt, in state: SimulatorState) {
        guard prompt.responses?.store ?? true else { return }
        let calls = Dictionary(answer.toolCalls.enumerated().map { (Self.callID(exchange, $0.offset), $0.element.name) }, uniquingKeysWith: { first, _ in first })
        state.responses.remember(id: Self.responseID(exchange), calls: calls)
    }
}
