import ChimeraCore
import HTTPTypes
import Hummingbird
import Instrumentation

/// One chat request as a server received it, before the relay read it.
public struct InboundChat: Sendable {
    /// The provider the route or headers chose; `nil` when only the body names it (`chimera
    /// serve`'s routes, Connect without a route). ``retarget`` may change it once the body is read.
    public var provider: ProviderID?
    /// The dialect a body is read in before it is retargeted: a body that names its provider is
    /// read as OpenAI's until it says which.
    var readingProvider: ProviderID { provider ?? .openai }
    /// The body as sent.
    public var body: [UInt8]
    /// The model from the URL (Gemini), if any.
    public var model: String?
    /// Whether the URL asked for a stream (Gemini, Connect), or `nil` to read it from the body.
    public var stream: Bool?
    /// Inbound headers, names lowercased; the binding's forwarded headers are taken from them.
    public var headers: [(name: String, value: String)]
    /// Reads the provider and model from the request itself (`chimera serve`'s
    /// `"model": "<provider>/<model>"`); `nil` keeps ``provider``.
    public var retarget: (@Sendable (ChatRequest) throws(ChimeraError) -> (provider: ProviderID, model: String))?

    /// Creates an inbound chat request.
    public init(
        provider: ProviderID?,
        body: [UInt8],
        model: String? = nil,
        stream: Bool? = nil,
        headers: [(name: String, value: String)] = [],
        retarget: (@Sendable (ChatRequest) throws(ChimeraError) -> (provider: ProviderID, model: String))? = nil
    ) {
        self.provider = provider
        self.body = body
        self.model = model
        self.stream = stream
        self.headers = headers
        self.retarget = retarget
    }
}

extension InboundChat {
    /// A request's headers as the relay keeps them: names lowercased.
    public static func headers(_ fields: HTTPFields) -> [(name: String, value: String)] {
        fields.map { ($0.name.canonicalName, $0.value) }
    }
}

extension CallContext {
    /// The context of a call made for an inbound request: its id, and the caller's W3C
    /// `traceparent`, passed on upstream.
    public init(_ request: Request, requestID: String) {
        self.init(requestID: requestID, traceparent: request.headers[HTTPField.Name("traceparent")!])
    }
}

/// Reads a trace context from the inbound headers as the relay keeps them (names lowercased).
struct HeaderListExtractor: Extractor {
    func extract(key: String, from headers: [(name: String, value: String)]) -> String? {
        let name = key.lowercased()
        return headers.first { $0.name == name }?.value
    }
}
