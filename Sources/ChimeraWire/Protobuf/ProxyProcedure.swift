/// One call of `chimera.proxy.v1.ProxyService`, with the HTTP path and content type Connect gives it.
///
/// The proxy server routes these paths and the proxy client posts to them, so both take the
/// strings from here. The names match `Protos/chimera/proxy/v1/proxy.proto`.
public enum ProxyProcedure: String, Sendable, Hashable, CaseIterable {
    /// `Complete`: one ``ChatRequest`` in, one ``ChatResponse`` out (Connect unary).
    case complete = "Complete"
    /// `Stream`: one ``ChatRequest`` in, a stream of `StreamFrame`s out (Connect server streaming).
    case stream = "Stream"
    /// `GetCapabilities`: what the proxy offers (Connect unary).
    case getCapabilities = "GetCapabilities"
    /// `Embed`: one ``EmbeddingRequest`` in, one ``EmbeddingResponse`` out (Connect unary).
    case embed = "Embed"

    /// The fully-qualified service name, the first segment of every path.
    public static let serviceName = "chimera.proxy.v1.ProxyService"

    /// The HTTP path the call is posted to, e.g. `/chimera.proxy.v1.ProxyService/Complete`.
    public var path: String { "/\(Self.serviceName)/\(rawValue)" }

    /// Whether the answer is a stream of enveloped messages rather than one bare message.
    public var isServerStreaming: Bool { self == .stream }

    /// The `Content-Type` of the request and of a successful response.
    ///
    /// Connect uses `application/proto` for unary calls and `application/connect+proto` for
    /// streaming ones; errors of unary calls are `application/json` whatever the call.
    public var contentType: String {
        isServerStreaming ? ConnectProtocol.streamingProtoContentType : ConnectProtocol.unaryProtoContentType
    }

    /// Finds the call an HTTP path names.
    ///
    /// - Parameter path: The request path, without query.
    /// - Returns: The call, or `nil` when the path is not one of this service's.
    public init?(path: String) {
        guard let procedure = Self.allCases.first(where: { $0.path == path }) else { return nil }
        self = procedure
    }
}
