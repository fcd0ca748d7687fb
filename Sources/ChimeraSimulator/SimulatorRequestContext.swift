import Hummingbird
import NIOCore

/// The request context of the simulator's routes: Hummingbird's basics plus the connection,
/// which the fault switches watch and drop.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Large enough for long prompts in benchmarks.
    var maxUploadSize: Int { 64 << 20 }
}
