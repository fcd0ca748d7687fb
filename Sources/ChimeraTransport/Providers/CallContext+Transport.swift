import ChimeraCore
import Logging

extension CallContext {
    /// The headers every upstream request of this call carries: the request id and the trace.
    var upstreamHeaders: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let requestID { headers.append((name: "x-request-id", value: requestID)) }
        if let traceparent { headers.append((name: "traceparent", value: traceparent)) }
        return headers
    }

    /// `logger` with this call's request id in its metadata, so every line about the call names it.
    func logger(from logger: Logger) -> Logger {
        guard let requestID else { return logger }
        var logger = logger
        logger[metadataKey: "request_id"] = "\(requestID)"
        return logger
    }
}

extension Duration {
    /// This limit, or less when the call's deadline comes sooner (never below a millisecond, so a
    /// passed deadline fails fast as a timeout rather than as a bad argument).
    func bounded(by deadline: ContinuousClock.Instant?) -> Duration {
        guard let deadline else { return self }
        return max(min(self, deadline - .now), .milliseconds(1))
    }
}
