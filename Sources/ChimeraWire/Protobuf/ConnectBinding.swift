import ChimeraCore
import Foundation

/// Chimera's binary protocol as a caller speaks it: `chimera.proxy.v1` messages over Connect
/// (unary `Complete`, server-streaming `Stream`), on the proxy's JSON port.
///
/// Unary failures are non-200 Connect JSON errors; a streaming call always answers 200, and a
/// failure — before or after the first frame — is the end-of-stream envelope's error, as Connect
/// requires.
public struct ConnectBinding: CallerBinding {
    /// Whether this is the streaming procedure.
    public let streaming: Bool
    /// Whether the route chose the provider (a `/<provider-id>/` prefix), which then wins over the
    /// message's `provider`.
    public let routed: Bool
    /// The largest message accepted.
    public let maximumMessageSize: Int

    /// Creates the binding of one procedure.
    public init(streaming: Bool, routed: Bool, maximumMessageSize: Int = ConnectProtocol.defaultMaximumMessageSize) {
        self.streaming = streaming
        self.routed = routed
        self.maximumMessageSize = maximumMessageSize
    }

    /// `nil`: no provider speaks Connect, so requests are always translated.
    public var passThroughFamily: ProtocolFamily? { nil }

    /// `application/proto`.
    public var responseContentType: String { ConnectProtocol.unaryProtoContentType }

    /// Reads the bare `ChatRequest` of `Complete`, or the one envelope of `Stream`. A routed
    /// `provider` wins over the message's; the procedure, not the message, decides whether it streams.
    public func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        var payload = Data(body)
        if streaming {
            var decoder = ConnectEnvelopeDecoder(maximumMessageSize: maximumMessageSize)
            decoder.append(payload)
            let envelope: ConnectEnvelope?
            do {
                envelope = try decoder.next()?.validated()
            } catch {
                throw ChimeraError.invalidRequest(error.message)
            }
            guard let envelope, !envelope.isEndStream else {
                throw ChimeraError.invalidRequest("the Stream request must be one envelope holding a ChatRequest")
            }
            guard decoder.bufferedByteCount == 0 else {
                throw ChimeraError.invalidRequest("the Stream request must be exactly one envelope; more bytes followed it")
            }
            payload = envelope.payload
        }
        var message: Chimera_Proxy_V1_ChatRequest
        do {
            message = try Chimera_Proxy_V1_ChatRequest(protobuf: payload)
        } catch {
            // The caller sent bytes that are not the message: its mistake, not an upstream's.
            throw ChimeraError.invalidRequest(error.message)
        }
        if routed { message.provider = provider.rawValue }
        message.stream = streaming
        return try ChatRequest(message)
    }

    public func encodeResponse(_ response: ChatResponse, for request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        Array(try response.protobufData())
    }

    public func makeStreamEncoder(for request: ChatRequest, route: Route, wireProtocol: WireProtocol) -> any StreamEncoder {
        ConnectStreamEncoder()
    }

    /// Unary: the Connect code's status (or the error's own 415) and a Connect JSON error.
    /// Streaming: 200 with only the end-of-stream envelope.
    public func errorAnswer(_ error: ChimeraError, streaming: Bool) -> ErrorAnswer {
        if self.streaming || streaming {
            return ErrorAnswer(status: 200, contentType: ConnectProtocol.streamingProtoContentType, body: Array(ConnectEnvelope.endStream(error: error).encoded()))
        }
        let connectError = ConnectError(error)
        return ErrorAnswer(
            status: error.status == 415 ? 415 : connectError.httpStatus,
            contentType: ConnectProtocol.errorContentType,
            body: Array(connectError.jsonData())
        )
    }
}

/// Writes a stream as Connect envelopes of `StreamFrame`s, ending with the end-of-stream envelope.
struct ConnectStreamEncoder: StreamEncoder {
    var contentType: String { ConnectProtocol.streamingProtoContentType }

    mutating func encode(_ event: ChatStreamEvent) -> [UInt8] {
        do {
            return Array(try ConnectEnvelope(event).encoded())
        } catch {
            // Only a frame over protobuf's 2 GiB limit fails; it ends the stream as its error.
            return fail(error)
        }
    }

    mutating func finish() -> [UInt8] {
        Array(ConnectEnvelope.endStream().encoded())
    }

    mutating func fail(_ error: ChimeraError) -> [UInt8] {
        Array(ConnectEnvelope.endStream(error: error).encoded())
    }
}
