import Foundation
import HTTPTypes
public import Hummingbird

/// The credentials a request presents, in the ways Chimera's servers (and AIClient-2-API)
/// accept one: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key` or the `key` query parameter.
public enum PresentedCredential {
    /// Every credential the request offers, in that order; empty values are left out.
    public static func all(in request: Request) -> [String] {
        var offered: [String] = []
        if let token = bearerToken(in: request) { offered.append(token) }
        for name in ["x-api-key", "x-goog-api-key"] {
            if let value = request.headers[HTTPField.Name(name)!] { offered.append(value) }
        }
        if let value = request.uri.queryParameters.get("key") { offered.append(value) }
        return offered.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// The token of `Authorization: Bearer <token>`.
    public static func bearerToken(in request: Request) -> String? {
        guard let authorization = request.headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}
