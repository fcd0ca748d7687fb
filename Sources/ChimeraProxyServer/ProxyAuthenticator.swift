import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird

/// Checks the proxy's one key the ways AIClient-2-API accepts it: `Authorization: Bearer`,
/// `x-api-key`, `x-goog-api-key` or the `key` query parameter.
struct ProxyAuthenticator: Sendable {
    let key: Secret?

    /// The message AIClient-2-API answers with, kept so clients that match on it keep working.
    static let refusal = "Unauthorized: API key is invalid or missing."

    /// Whether `request` may pass. Always true when no key is configured.
    func allows(_ request: Request) -> Bool {
        guard let key else { return true }
        let expected = Array(key.value.utf8)
        var offered: [String] = []
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { offered.append(String(parts[1])) }
        }
        for name in ["x-api-key", "x-goog-api-key"] {
            if let field = HTTPField.Name(name), let value = request.headers[field] { offered.append(value) }
        }
        if let value = request.uri.queryParameters.get("key") { offered.append(value) }
        return offered.contains { Self.constantTimeEquals(Array($0.utf8), expected) }
    }

    /// Compares without stopping at the first difference, so timing does not reveal the key.
    private static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// The refusal as an error, answered in the caller's protocol with status 401.
    static var unauthorized: ChimeraError {
        ChimeraError(kind: .authentication, message: refusal, status: 401)
    }
}
