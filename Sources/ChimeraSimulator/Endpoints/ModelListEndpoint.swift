import ChimeraCore
import Foundation
import Hummingbird

/// Answers a model-list request in one dialect.
///
/// Fault switches come from the options header only (there is no model name); `fail=` counts
/// requests per route.
struct ModelListEndpoint<Dialect: ModelListing>: Sendable {
    let dialect: Dialect
    let state: SimulatorState

    /// Answers one model-list request.
    func respond(to request: Request, context: SimulatorRequestContext, route: SimulatorRoute) async throws -> Response {
        let provider = dialect.provider(forModel: nil)
        state.record(route, provider: provider)
        let exchange = Exchange(
            number: state.nextSequenceNumber(),
            provider: provider,
            model: "",
            created: Int(Date().timeIntervalSince1970),
            includeUsage: false
        )
        let plain = ExchangeResponder(dialect: dialect, state: state, exchange: exchange, options: SimulatorOptions(), channel: context.channel)
        if let failure = dialect.authenticate(request) {
            return plain.error(failure)
        }
        let options: SimulatorOptions
        do throws(SimulatedFailure) {
            options = try SimulatorOptions(model: "", header: request.headers[ProviderSimulator.optionsHeaderName])
        } catch {
            return plain.error(error)
        }
        let responder = ExchangeResponder(dialect: dialect, state: state, exchange: exchange, options: options, channel: context.channel)
        return try await ExchangeResponder<Dialect>.countingDisconnects(state) {
            try await responder.faultResponse(subject: route.rawValue, stream: false, happyBody: dialect.modelList)
                ?? responder.json(dialect.modelList())
        }
    }
}
