import ChimeraCore
import Foundation
import SwiftProtobuf

/// A Connect error: the JSON body of a failed unary call, and the `error` of a failed stream's
/// end-of-stream message.
///
/// On the wire it is `{"code":"unavailable","message":"…","details":[{"type":"…","value":"…"}]}`.
/// Chimera puts the whole ``ChimeraError`` in a detail of type `chimera.proxy.v1.Error`
/// (``Chimera_Proxy_V1_Error``), so a failure crosses the proxy with its kind, provider, status,
/// upstream message, retry advice and hint; clients that know nothing of Chimera still get a
/// code and a readable message.
public struct ConnectError: Sendable, Hashable, Codable {
    /// One typed attachment: a protobuf message and its fully-qualified type name.
    public struct Detail: Sendable, Hashable, Codable {
        /// The fully-qualified protobuf message name, e.g. `chimera.proxy.v1.Error`.
        public var type: String
        /// The serialized message (base64 in JSON).
        public var value: Data

        /// Creates a detail.
        public init(type: String, value: Data) {
            self.type = type
            self.value = value
        }

        private enum CodingKeys: String, CodingKey {
            case type
            case value
        }

        /// Reads a detail; `value` may be padded or unpadded base64, as Connect allows.
        public init(from decoder: any Swift.Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            let text = try container.decode(String.self, forKey: .value)
            let padding = String(repeating: "=", count: (4 - text.count % 4) % 4)
            guard let value = Data(base64Encoded: text.hasSuffix("=") ? text : text + padding) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .value, in: container, debugDescription: "not base64"
                )
            }
            self.value = value
        }

        /// Writes a detail with `value` as unpadded base64, as Connect servers should.
        public func encode(to encoder: any Swift.Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            var text = value.base64EncodedString()
            while text.hasSuffix("=") { text.removeLast() }
            try container.encode(text, forKey: .value)
        }
    }

    /// The category of the failure.
    public var code: ConnectCode
    /// A message for developers; may be empty.
    public var message: String
    /// Typed attachments, in order.
    public var details: [Detail]

    /// Creates an error.
    public init(code: ConnectCode, message: String = "", details: [Detail] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The Connect error for a Chimera error: the code that fits it, its readable description as
    /// the message, and the whole error as a `chimera.proxy.v1.Error` detail.
    public init(_ error: ChimeraError) {
        self.init(code: ConnectCode(error), message: error.description)
        do {
            let detail = Chimera_Proxy_V1_Error(error)
            details = [Detail(type: Chimera_Proxy_V1_Error.protoMessageName, value: try detail.protobufData())]
        } catch {
            // Only a message over protobuf's 2 GiB limit fails to serialize; the code and the
            // message still say what went wrong.
            details = []
        }
    }

    /// Reads a Connect error from JSON.
    ///
    /// Per Connect, `code` is required; a code this version does not know reads as
    /// ``ConnectCode/unknown``, and unknown keys are ignored.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when the bytes are not
    ///   a Connect error.
    public init(json: Data) throws(ChimeraError) {
        do {
            self = try JSONDecoder().decode(ConnectError.self, from: json)
        } catch {
            throw ChimeraError.decoding("the body is not a Connect error: \(error)", body: String(decoding: json, as: UTF8.self))
        }
    }

    private enum CodingKeys: String, CodingKey {
        case code
        case message
        case details
    }

    /// Reads the JSON form; `message` and `details` may be absent or null.
    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let code = try container.decode(String.self, forKey: .code)
        self.code = ConnectCode(rawValue: code) ?? .unknown
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        details = try container.decodeIfPresent([Detail].self, forKey: .details) ?? []
    }

    /// Writes the JSON form, leaving out an empty message and empty details.
    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code.rawValue, forKey: .code)
        if !message.isEmpty { try container.encode(message, forKey: .message) }
        if !details.isEmpty { try container.encode(details, forKey: .details) }
    }

    /// The JSON body of a failed unary call (`Content-Type: application/json`, status
    /// ``httpStatus``).
    public func jsonData() -> Data {
        // Strings and bytes always encode; only non-finite floating-point numbers, which this
        // type has none of, make JSONEncoder throw.
        try! Self.makeJSONEncoder().encode(self)
    }

    /// The encoder of Chimera's Connect JSON: keys sorted so that bodies are the same every
    /// time, slashes left unescaped so that paths in messages stay readable.
    static func makeJSONEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The HTTP status a unary call that failed with this error is answered with.
    public var httpStatus: Int { code.httpStatus }

    /// The Chimera error carried in the details, when one is there and readable.
    public var chimeraDetail: Chimera_Proxy_V1_Error? {
        for detail in details where detail.type == Chimera_Proxy_V1_Error.protoMessageName {
            // An unreadable detail is skipped, not thrown: the code and message still describe
            // the failure, and the caller falls back to them.
            if let message = try? Chimera_Proxy_V1_Error(serializedBytes: detail.value) {
                return message
            }
        }
        return nil
    }
}
