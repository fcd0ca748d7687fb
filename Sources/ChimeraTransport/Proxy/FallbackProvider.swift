import ChimeraCore

/// Sends requests through the proxy and, when the proxy fails, sends the same request directly
/// (`PROXY_FALLBACK_TO_DIRECT=true`).
///
/// Only failures before an answer began fall back: a stream that already delivered an event is
/// never replayed. Requests that are wrong in themselves (invalid request, cancelled) do not fall
/// back either; the direct attempt would fail the same way.
public struct FallbackProvider: LLMProvider {
    public var id: ProviderID { proxy.id }
    public var capabilities: ProviderCapabilities { proxy.capabilities }

    private let proxy: any LLMProvider
    private let direct: any LLMProvider

    /// Creates a fallback pair.
    public init(proxy: any LLMProvider, direct: any LLMProvider) {
        self.proxy = proxy
        self.direct = direct
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        do {
            return try await proxy.complete(request)
        } catch let proxyError as ChimeraError where Self.fallsBack(proxyError) {
            do {
                var response = try await direct.complete(request)
                response.route = .directFallback
                return response
            } catch let directError as ChimeraError {
                throw Self.combine(proxyError, directError)
            }
        }
    }

    public func stream(_ request: ChatRequest) async throws -> ChatStream {
        do {
            return try await proxy.stream(request)
        } catch let proxyError as ChimeraError where Self.fallsBack(proxyError) {
            do {
                let stream = try await direct.stream(request)
                return stream.served(route: .directFallback, wireProtocol: stream.wireProtocol)
            } catch let directError as ChimeraError {
                throw Self.combine(proxyError, directError)
            }
        }
    }

    public func listModels() async throws -> [ModelInfo] {
        do {
            return try await proxy.listModels()
        } catch let proxyError as ChimeraError where Self.fallsBack(proxyError) {
            do {
                return try await direct.listModels()
            } catch let directError as ChimeraError {
                throw Self.combine(proxyError, directError)
            }
        }
    }

    private static func fallsBack(_ error: ChimeraError) -> Bool {
        error.kind != .invalidRequest && error.kind != .cancelled
    }

    /// One error that says what the proxy did and why the direct attempt failed too.
    private static func combine(_ proxyError: ChimeraError, _ directError: ChimeraError) -> ChimeraError {
        var error = directError
        if directError.kind == .configuration {
            error.message = "the proxy failed (\(proxyError.message)) and fallback to direct has no way in: \(directError.message)"
        } else {
            error.message = "the proxy failed (\(proxyError.message)) and the direct fallback failed too: \(directError.message)"
        }
        error.hint = [proxyError.hint, directError.hint].compactMap { $0 }.joined(separator: "; ")
        return error
    }
}
