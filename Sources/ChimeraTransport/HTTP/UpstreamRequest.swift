import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One request to an upstream, in the parts both of AsyncHTTPClient's interfaces take: the
/// future-based one for a unary exchange (``HTTPTransport/send(_:timeout:lane:logger:classify:)``,
/// through ``ParsedRequests``), the async one for a stream
/// (``HTTPTransport/open(_:headTimeout:logger:classify:)``).
public struct UpstreamRequest: Sendable {
    /// The absolute URL.
    public var url: String
    /// The method.
    public var method: HTTPMethod
    /// The headers.
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: ByteBuffer?

    /// Creates a request.
    public init(url: String, method: HTTPMethod = .GET, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// A JSON POST or a GET with the given headers.
    static func make(url: URL, method: HTTPMethod, headers: [(name: String, value: String)], body: [UInt8]?) -> UpstreamRequest {
        make(url: url.absoluteString, method: method, headers: headers, body: body)
    }

    /// A JSON POST or a GET with the given headers.
    static func make(url: String, method: HTTPMethod, headers: [(name: String, value: String)], body: [UInt8]?) -> UpstreamRequest {
        var request = UpstreamRequest(url: url, method: method)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let body {
            request.headers.replaceOrAdd(name: "content-type", value: "application/json")
            request.body = ByteBuffer(bytes: body)
        }
        return request
    }

    /// The request for AsyncHTTPClient's async interface.
    var streamed: HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        request.body = body.map { .bytes($0) }
        return request
    }
}
