import Foundation
import NIOCore

/// Why ``RunningServer/start(responder:host:port:services:gracePeriod:limits:healthPaths:logger:)`` could not report a port.
enum RunningServerError: Error, CustomStringConvertible {
    case noLocalAddress
    case stoppedBeforeListening
    /// Another process listens on the port already.
    case portInUse(host: String, port: Int)

    var description: String {
        switch self {
        case .noLocalAddress: "the server channel has no local address"
        case .stoppedBeforeListening: "the server stopped before it listened"
        case .portInUse(let host, let port): "port \(port) is in use on \(host): stop what listens there or choose another --port"
        }
    }

    /// The error to report for `error`, thrown while binding `host`:`port`: the operating
    /// system's "bind(descriptor:ptr:bytes:): Address already in use (errno: 98)" said plainly.
    static func binding(_ error: any Error, host: String, port: Int) -> any Error {
        if let error = error as? IOError, error.errnoCode == EADDRINUSE { return RunningServerError.portInUse(host: host, port: port) }
        return error
    }
}
