import ChimeraCore
import Foundation
import Hummingbird
import NIOCore

/// The first steps every endpoint takes with a request, in the same order: count it under its
/// route and provider flavour, number it, check its key, then take what was read from its body
/// and its switches. A failure at any step is answered in the dialect's error shape.
struct Admission<Asked> {
    /// A request refused at one of the steps, and the answer that says why.
    struct Refusal: Error {
        let response: Response
    }

    /// What the request asked.
    let asked: Asked
    /// Its facts.
    var exchange: Exchange
    /// Its switches.
    let options: SimulatorOptions

    /// Admits or refuses one request.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - reading: What its body asked, or why it could not be read (answered after the key check).
    ///   - model: The model a reading names, switches included.
    ///   - fallbackModel: The model when the body could not be read (Gemini's path model).
    ///   - countsModel: Whether the statistics count the model (chat requests).
    ///   - dialect: The protocol.
    ///   - state: The simulator's state.
    ///   - route: The route, for the statistics.
    ///   - channel: The request's connection.
    /// - Throws: ``Refusal`` with the error answer.
    static func admit<Dialect: SimulatorDialect>(
        _ request: Request,
        reading: Result<Asked, SimulatedFailure>,
        model: (Asked) -> String?,
        fallbackModel: String? = nil,
        countsModel: Bool = false,
        dialect: Dialect,
        state: SimulatorState,
        route: SimulatorRoute,
        channel: any Channel
    ) throws(Refusal) -> Admission {
        let named: String? =
            switch reading {
            case .success(let asked): model(asked)
            case .failure: fallbackModel
            }
        let provider = dialect.provider(forModel: named)
        state.record(route, provider: provider)
        let exchange = Exchange(
            number: state.nextSequenceNumber(),
            provider: provider,
            model: named ?? "",
            created: Int(Date().timeIntervalSince1970),
            includeUsage: false
        )
        let plain = ExchangeResponder(dialect: dialect, state: state, exchange: exchange, options: SimulatorOptions(), channel: channel)
        if let failure = dialect.authenticate(request) {
            throw Refusal(response: plain.error(failure))
        }
        do throws(SimulatedFailure) {
            let asked = try reading.get()
            if countsModel, let named { state.record(model: named) }
            let options = try SimulatorOptions(model: named ?? "", header: request.headers[ProviderSimulator.optionsHeaderName])
            return Admission(asked: asked, exchange: exchange, options: options)
        } catch {
            throw Refusal(response: plain.error(error))
        }
    }
}
