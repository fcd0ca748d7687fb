import Foundation
import HTTPTypes

/// Reads the token of an `Authorization: Bearer <token>` header.
enum BearerToken {
    /// The token, or `nil` when there is no bearer authorization.
    static func value(in headers: HTTPFields) -> String? {
        guard let authorization = headers[.authorization] else { return nil }
        let prefix = "bearer "
        guard authorization.lowercased().hasPrefix(prefix) else { return nil }
        return String(authorization.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
    }
}
