import ChimeraCore
import Hummingbird
import NIOCore

/// Answers the requests whose answer is one JSON body (model lists, embeddings, token counts)
/// in one dialect: authentication, the request's own checks, fault switches, then the answer.
///
/// Switches come from the model the request names and from the options header; `fail=` counts
/// requests per model string, or per route when there is no model (model lists).
struct JSONEndpoint<Dialect: SimulatorDialect>: Sendable {
    let dialect: Dialect
    let state: SimulatorState

    /// What one request asks.
    struct Reading {
        /// The model it names, switches included, if any.
        var model: String?
        /// Its answer.
        var answer: (Exchange) -> JSONValue
    }

    /// Answers one request.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - context: Its context.
    ///   - route: The route it came on, for the statistics.
    ///   - read: Reads and checks the body; its failures are answered after authentication.
    func respond(
        to request: Request,
        context: SimulatorRequestContext,
        route: SimulatorRoute,
        read: (ByteBuffer) throws(SimulatedFailure) -> Reading
    ) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let reading = Result { () throws(SimulatedFailure) in try read(body) }
        let admission: Admission<Reading>
        do throws(Admission<Reading>.Refusal) {
            admission = try Admission.admit(request, reading: reading, model: \.model, dialect: dialect, state: state, route: route, channel: context.channel)
        } catch {
            return error.response
        }
        let (asked, exchange, options) = (admission.asked, admission.exchange, admission.options)
        let responder = ExchangeResponder(dialect: dialect, state: state, exchange: exchange, options: options, channel: context.channel)
        return try await ExchangeResponder<Dialect>.countingDisconnects(state) {
            try await responder.faultResponse(subject: asked.model ?? route.rawValue, stream: false, happyBody: { asked.answer(exchange) })
                ?? responder.json(asked.answer(exchange))
        }
    }
}

extension JSONEndpoint where Dialect: ModelListing {
    /// Answers a model-list request.
    func respondWithModelList(to request: Request, context: SimulatorRequestContext, route: SimulatorRoute) async throws -> Response {
        try await respond(to: request, context: context, route: route) { _ throws(SimulatedFailure) in
            Reading(model: nil) { _ in dialect.modelList() }
        }
    }
}
