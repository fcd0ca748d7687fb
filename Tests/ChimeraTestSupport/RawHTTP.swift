import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A plain HTTP client for exact status codes and bodies, shut down after `body`.
public func withHTTPClient<Result>(_ body: (HTTPClient) async throws -> Result) async throws -> Result {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try await client.shutdown()
        throw error
    }
}

/// One exchange: status, headers and the whole body as text (up to 4 MiB); a body goes as JSON.
public func exchange(
    _ client: HTTPClient, _ url: URL, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil,
    timeout: TimeAmount = .seconds(15)
) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
    var request = HTTPClientRequest(url: url.absoluteString)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body {
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    let response = try await client.execute(request, timeout: timeout)
    let bytes = try await response.body.collect(upTo: 4 << 20)
    return (Int(response.status.code), response.headers, String(buffer: bytes))
}
