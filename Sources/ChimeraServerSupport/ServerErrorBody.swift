import Foundation
import NIOCore

/// The body of the answers the server support gives on its own (a connection out of time or
/// over the cap, a refused cross-site request), before any route sees the request.
///
/// `{"error":{"type":…,"code":…,"message":…}}` reads as an error to the clients of every
/// protocol both servers speak: OpenAI's SDKs take `error.message` and `error.type`, Gemini's
/// `error.code` and `error.message`, Anthropic's `error.type` and `error.message`.
enum ServerErrorBody {
    static func json(type: String, status: Int, message: String) -> ByteBuffer {
        let object: [String: Any] = ["error": ["type": type, "code": status, "message": message]]
        do {
            return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        } catch {
            preconditionFailure("a dictionary of strings and numbers is always JSON: \(error)")
        }
    }
}
