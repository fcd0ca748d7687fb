import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird

/// Answers chat requests in one dialect: authentication, request checks, fault switches, then
/// the deterministic reply, unary or streamed.
struct ChatEndpoint<Dialect: SimulatorDialect>: Sendable {
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
        let prompt = Result { () throws(SimulatedFailure) in
            try dialect.decodePrompt(body, pathModel: pathModel, routeStreams: route == .streamGenerateContent)
        }
        let model: String? =
            switch prompt {
            case .success(let prompt): prompt.model
            case .failure: pathModel
            }
        let provider = dialect.provider(forModel: model)
        state.record(route, provider: provider)
        var exchange = Exchange(
            number: state.nextSequenceNumber(),
            provider: provider,
            model: model ?? "",
            created: Int(Date().timeIntervalSince1970),
            includeUsage: false
        )
        let plain = ExchangeResponder(dialect: dialect, state: state, exchange: exchange, options: SimulatorOptions(), channel: context.channel)
        if let failure = dialect.authenticate(request) {
            return plain.error(failure)
        }
        let chat: ChatPrompt
        let options: SimulatorOptions
        do throws(SimulatedFailure) {
            chat = try prompt.get()
            state.record(model: chat.model)
            options = try SimulatorOptions(model: chat.model, header: request.headers[ProviderSimulator.optionsHeaderName])
        } catch {
            return plain.error(error)
        }
        exchange.includeUsage = chat.includeUsage
        let responder = ExchangeResponder(dialect: dialect, state: state, exchange: exchange, options: options, channel: context.channel)
        let reply = SimulatedReply(to: chat, fillerWords: options.words)
        return try await ExchangeResponder<Dialect>.countingDisconnects(state) {
            if let fault = try await responder.faultResponse(subject: chat.model, stream: chat.stream, happyBody: { dialect.completion(reply, exchange: exchange) }) {
                return fault
            }
            return chat.stream ? responder.stream(reply) : responder.json(dialect.completion(reply, exchange: exchange))
        }
    }
}
