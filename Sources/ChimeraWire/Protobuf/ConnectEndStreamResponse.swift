import ChimeraCore
import Foundation

/// The JSON payload of the envelope that ends every Connect response stream: `{}` after
/// success, `{"error":{…}}` after a failure.
///
/// Connect also allows trailing `metadata` here; Chimera sends none and ignores it.
public struct ConnectEndStreamResponse: Sendable, Hashable, Codable {
    /// Why the stream failed, or `nil` when it succeeded.
    public var error: ConnectError?

    /// Creates an end-of-stream message.
    public init(error: ConnectError? = nil) {
        self.error = error
    }

    /// Reads an end-of-stream payload.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when the payload is not
    ///   a JSON object, or its `error` is present but null or not a Connect error (Connect calls
    ///   `{"error": null}` and `{"error": {}}` invalid).
    public init(json: Data) throws(ChimeraError) {
        do {
            self = try JSONDecoder().decode(ConnectEndStreamResponse.self, from: json)
        } catch {
            throw ChimeraError.decoding(
                "the end-of-stream message is not Connect's: \(error)", body: String(decoding: json, as: UTF8.self)
            )
        }
    }

    private enum CodingKeys: String, CodingKey {
        case error
    }

    /// Reads the JSON form, refusing an `error` that is present but null.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.error) {
            error = try container.decode(ConnectError.self, forKey: .error)
        } else {
            error = nil
        }
    }

    /// The JSON payload.
    public func jsonData() -> Data {
        // Only non-finite floating-point numbers, which this type has none of, make JSONEncoder throw.
        try! ConnectError.makeJSONEncoder().encode(self)
    }
}

extension ConnectEnvelope {
    /// The envelope that ends a response stream: flags `0x02` and the end-of-stream JSON.
    ///
    /// - Parameter error: Why the stream failed, or `nil` when it succeeded (payload `{}`).
    public static func endStream(error: ChimeraError? = nil) -> ConnectEnvelope {
        let response = ConnectEndStreamResponse(error: error.map(ConnectError.init))
        return ConnectEnvelope(flags: .endStream, payload: response.jsonData())
    }
}
