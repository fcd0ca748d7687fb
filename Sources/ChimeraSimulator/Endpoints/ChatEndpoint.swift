import ChimeraCore
import HTTPTypes
import Hummingbird

/// Answers chat requests in one dialect: authentication, request checks, fault switches, then
/// the deterministic answer (``SimulatedAnswer``), unary or streamed.
struct ChatEndpoint<Dialect: ChatDialect>: Sendable {
    let dialect: Dialect
    let state: SimulatorState

    /// Answers one chat request.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - context: Its context.
    ///   - route: The route it came on, for the statistics.
    ///   - pathModel: The model named in the path (Gemini), percent-decoded.
    func respond(
        to request: Request,
        context: SimulatorRequestContext,
        route: SimulatorRoute,
        pathModel: String? = nil
    ) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let promptContext = PromptContext(pathModel: pathModel, routeStreams: route == .streamGenerateContent, responses: state.responses)
        let prompt = Result { () throws(SimulatedFailure) in
            try dialect.decodePrompt(dialect.parseBody(body), context: promptContext)
        }
        var admission: Admission<ChatPrompt>
        do throws(Admission<ChatPrompt>.Refusal) {
            admission = try Admission.admit(
                request,
                reading: prompt,
                model: \.model,
                fallbackModel: pathModel,
                countsModel: true,
                dialect: dialect,
                state: state,
                route: route,
                channel: context.channel
            )
        } catch {
            return error.response
        }
        let chat = admission.asked
        let options = admission.options
        admission.exchange.includeUsage = chat.includeUsage
        admission.exchange.responses = chat.responses
        let exchange = admission.exchange
        let responder = ExchangeResponder(dialect: dialect, state: state, exchange: exchange, options: options, channel: context.channel)
        return try await ExchangeResponder<Dialect>.countingDisconnects(state) {
            let happyBody = { [exchange] in dialect.completion(SimulatedAnswer(to: chat, options: options), exchange: exchange) }
            if let fault = try await responder.faultResponse(subject: chat.model, stream: chat.stream, happyBody: happyBody) {
                return fault
            }
            // Only an answer that is given fills the prompt cache, as with the real services.
            let cache = state.promptCache.use(chat.cacheCheckpoints, implicit: chat.implicitCaching)
            let answer = SimulatedAnswer(to: chat, options: options, cache: cache)
            dialect.remember(answer, exchange: exchange, prompt: chat, in: state)
            return chat.stream ? responder.stream(answer) : responder.json(dialect.completion(answer, exchange: exchange))
        }
    }
}
