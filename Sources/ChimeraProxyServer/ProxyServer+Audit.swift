import ChimeraAudit
import ChimeraServerSupport
import ChimeraWire
import Hummingbird

extension ProxyServer {
    /// The audit middleware of the proxy's routes, when an audit log is configured.
    func auditMiddleware() -> AuditMiddleware<ProxyRequestContext>? {
        audit.map { AuditMiddleware(log: $0, inboundProtocol: Self.inboundProtocol) }
    }

    /// The protocol a request speaks, as the audit log names it.
    @Sendable static func inboundProtocol(_ request: Request) -> String {
        let path = request.uri.path
        if connectCall(path: path) != nil { return "connect_protobuf" }
        switch ProxyEndpoint(method: request.method.rawValue, path: path)?.family ?? ProxyEndpoint.family(guessedFrom: path) {
        case .openAIChat: return "openai_chat"
        case .anthropicMessages: return "anthropic_messages"
        case .geminiGenerateContent: return "gemini"
        case nil: return "http"
        }
    }
}
