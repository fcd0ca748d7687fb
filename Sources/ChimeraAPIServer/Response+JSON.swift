import Foundation
import Hummingbird

extension Response {
    /// A response whose body is `value` as JSON: snake_case keys as each type declares them,
    /// sorted, ISO 8601 dates.
    ///
    /// - Throws: The encoder's error, for a value JSON cannot express (a non-finite number).
    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        json(data: try APIJSON.encoder.encode(value), status: status)
    }

    /// A response with an already encoded JSON body.
    static func json(data: Data, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A Server-Sent Events response whose events `write` produces as they come.
    static func eventStream(_ write: @Sendable @escaping (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(write))
    }
}

/// The JSON conventions of the API.
enum APIJSON {
    /// The encoder of every body the API writes.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// `value` as the text of one Server-Sent Event's `data:` field.
    ///
    /// - Throws: The encoder's error, for a value JSON cannot express.
    static func eventData<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
