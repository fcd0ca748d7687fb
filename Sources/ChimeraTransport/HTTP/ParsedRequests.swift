import AsyncHTTPClient
import NIOHTTP1
import Synchronization

/// The requests of AsyncHTTPClient's future-based interface, their URLs parsed once.
///
/// `HTTPClient.Request` parses its URL twice when it is made (Foundation's `URL`, then
/// AsyncHTTPClient's own reading of it), about 1 % of the proxy's time under load, while a
/// transport sends to the same few URLs over and over. A request made once per method and URL
/// is kept and given each call's headers and body.
final class ParsedRequests: Sendable {
    private struct Key: Hashable {
        let method: String  // `HTTPMethod` is not `Hashable`.
        let url: String
    }

    private let parsed = Mutex<[Key: HTTPClient.Request]>([:])

    /// The most kept: chat URLs name the model for some providers, so a long-running proxy may
    /// see many. When full, the kept requests are dropped and parsed again as they come.
    static let capacity = 256

    /// `request` for AsyncHTTPClient's future-based interface.
    ///
    /// - Throws: `HTTPClientError` when the URL is not one it can send to.
    func whole(_ request: UpstreamRequest) throws -> HTTPClient.Request {
        let key = Key(method: request.method.rawValue, url: request.url)
        var whole: HTTPClient.Request
        if let kept = parsed.withLock({ $0[key] }) {
            whole = kept
        } else {
            whole = try HTTPClient.Request(url: request.url, method: request.method)
            parsed.withLock { kept in
                if kept.count >= Self.capacity { kept.removeAll(keepingCapacity: true) }
                kept[key] = whole
            }
        }
        whole.headers = request.headers
        whole.body = request.body.map { .byteBuffer($0) }
        return whole
    }
}
