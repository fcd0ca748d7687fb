/// Why ``RunningServer/start(responder:host:port:services:gracePeriod:limits:healthPaths:logger:)`` could not report a port.
enum RunningServerError: Error, CustomStringConvertible {
    case noLocalAddress
    case stoppedBeforeListening

    var description: String {
        switch self {
        case .noLocalAddress: "the server channel has no local address"
        case .stoppedBeforeListening: "the server stopped before it listened"
        }
    }
}
