import AsyncHTTPClient
import NIOHTTP1
import Tracing

/// The client span of a unary exchange, with the attributes AsyncHTTPClient gives its own.
///
/// Written here because unary exchanges use AsyncHTTPClient's future-based interface, whose span
/// starts on the event loop, outside the calling task: it would neither continue the caller's
/// trace nor write the trace context into the request. This span is started in the calling task
/// and its context goes out in the request's headers.
struct UnaryClientSpan {
    private let span: any Span

    /// Starts the span as a child of the task's current context and writes its context into
    /// `request`'s headers.
    ///
    /// - Parameter parsed: AsyncHTTPClient's reading of the request (``ParsedRequests``), for
    ///   the address attributes; `nil` for a URL it cannot send to, whose failure the span
    ///   then records.
    init(for request: inout UpstreamRequest, parsed: HTTPClient.Request?, tracer: any Tracer) {
        span = tracer.startSpan(request.method.rawValue, context: ServiceContext.current ?? .topLevel, ofKind: .client)
        span.attributes["http.request.method"] = request.method.rawValue
        span.attributes["http.request.body.size"] = request.body?.readableBytes
        if let parsed {
            // Path only, never the query: a query may carry a key.
            span.attributes["url.scheme"] = parsed.scheme
            span.attributes["server.address"] = parsed.host
            span.attributes["server.port"] = parsed.port
            span.attributes["url.path"] = parsed.url.path
        }
        tracer.inject(span.context, into: &request.headers, using: HTTPHeadersInjector())
    }

    /// Ends the span with the answer's status; 400 and above mark it failed.
    func end(status: Int) {
        if status >= 400 { span.setStatus(SpanStatus(code: .error)) }
        span.attributes["http.status_code"] = status
        span.end()
    }

    /// Ends the span with the exchange's failure.
    func end(failure: any Error) {
        span.recordError(failure)
        span.setStatus(SpanStatus(code: .error))
        span.end()
    }
}

/// Writes trace context into NIO's headers, replacing a value already there.
private struct HTTPHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: key, value: value)
    }
}
