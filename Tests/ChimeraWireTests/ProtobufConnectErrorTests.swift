import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Protobuf: Chimera errors to Connect errors and back")
struct ProtobufConnectErrorTests {
    // The table of the Connect protocol, "Error Codes".
    @Test(arguments: [
        (ConnectCode.canceled, "canceled", 499), (.unknown, "unknown", 500), (.invalidArgument, "invalid_argument", 400),
        (.deadlineExceeded, "deadline_exceeded", 504), (.notFound, "not_found", 404), (.alreadyExists, "already_exists", 409),
        (.permissionDenied, "permission_denied", 403), (.resourceExhausted, "resource_exhausted", 429),
        (.failedPrecondition, "failed_precondition", 400), (.aborted, "aborted", 409), (.outOfRange, "out_of_range", 400),
        (.unimplemented, "unimplemented", 501), (.internal, "internal", 500), (.unavailable, "unavailable", 503),
        (.dataLoss, "data_loss", 500), (.unauthenticated, "unauthenticated", 401),
    ])
    func codeHasConnectsSpellingAndHTTPStatus(_ code: ConnectCode, _ spelling: String, _ status: Int) {
        #expect(code.rawValue == spelling)
        #expect(code.httpStatus == status)
    }

    @Test func everyCodeIsInTheTable() {
        #expect(ConnectCode.allCases.count == 16)
    }

    // The table of the Connect protocol, "HTTP to Error Code".
    @Test(arguments: [
        (400, ConnectCode.internal), (401, .unauthenticated), (403, .permissionDenied), (404, .unimplemented),
        (429, .unavailable), (502, .unavailable), (503, .unavailable), (504, .unavailable),
        (500, .unknown), (415, .unknown), (418, .unknown), (302, .unknown),
    ])
    func codeIsInferredFromAStatusAsConnectSays(_ status: Int, _ code: ConnectCode) {
        #expect(ConnectCode(inferringFromHTTPStatus: status) == code)
    }

    @Test(arguments: [
        (ChimeraError.invalidRequest("model: must not be empty"), ConnectCode.invalidArgument),
        (ChimeraError.decoding("bad body"), .internal),
        (ChimeraError(kind: .authentication, message: "bad key", status: 401), .unauthenticated),
        (ChimeraError(kind: .authentication, message: "no access", status: 403), .permissionDenied),
        (ChimeraError(kind: .rateLimited, message: "slow down", status: 429, isRetryable: true), .resourceExhausted),
        (ChimeraError(kind: .proxyUnavailable, message: "refused", isRetryable: true), .unavailable),
        (ChimeraError(kind: .timeout, message: "too slow", isRetryable: true), .deadlineExceeded),
        (ChimeraError.cancelled(), .canceled),
        (ChimeraError(kind: .protocolMismatch, message: "JSON only"), .unimplemented),
        (ChimeraError.configuration("OPENAI_API_KEY is not set"), .failedPrecondition),
    ])
    func kindMapsToItsCode(_ error: ChimeraError, _ code: ConnectCode) {
        #expect(ConnectCode(error) == code)
    }

    @Test(arguments: [
        (400, false, ConnectCode.invalidArgument), (401, false, .unauthenticated), (403, false, .permissionDenied),
        (404, false, .notFound), (408, true, .deadlineExceeded), (409, false, .aborted), (429, true, .resourceExhausted),
        (499, false, .canceled), (501, false, .unimplemented), (502, true, .unavailable), (503, true, .unavailable),
        (504, true, .deadlineExceeded), (529, true, .unavailable), (500, true, .unavailable), (500, false, .unknown),
        (422, false, .unknown),
    ])
    func upstreamErrorMapsByTheProvidersStatus(_ status: Int, _ retryable: Bool, _ code: ConnectCode) {
        let error = ChimeraError(kind: .upstream, message: "failed", provider: .openai, status: status, isRetryable: retryable)
        #expect(ConnectCode(error) == code)
    }

    @Test func upstreamErrorWithoutAStatusIsUnknown() {
        #expect(ConnectCode(ChimeraError(kind: .upstream, message: "garbled")) == .unknown)
    }

    @Test(arguments: ProtobufDomainMappingTests.errors)
    func chimeraErrorSurvivesAConnectErrorBodyWithEveryField(_ error: ChimeraError) throws {
        let connectError = ConnectError(error)
        let received = try ConnectError(json: connectError.jsonData())
        #expect(received == connectError)
        #expect(ChimeraError(received, httpStatus: connectError.httpStatus, provider: nil) == error)
        #expect(ChimeraError(connectStatus: connectError.httpStatus, body: connectError.jsonData(), provider: nil) == error)
    }

    @Test func connectErrorBodyHasTheShapeConnectClientsRead() throws {
        let connectError = ConnectError(ProtobufSamples.fullError)
        let json = try #require(try JSONSerialization.jsonObject(with: connectError.jsonData()) as? [String: Any])
        #expect(json["code"] as? String == "resource_exhausted")
        #expect(json["message"] as? String == ProtobufSamples.fullError.description)
        let details = try #require(json["details"] as? [[String: Any]])
        #expect(details.count == 1)
        #expect(details[0]["type"] as? String == "chimera.proxy.v1.Error")
        let value = try #require(details[0]["value"] as? String)
        #expect(!value.hasSuffix("="), "Connect servers send unpadded base64")
        let padded = value + String(repeating: "=", count: (4 - value.count % 4) % 4)
        let bytes = try #require(Data(base64Encoded: padded))
        #expect(try Chimera_Proxy_V1_Error(protobuf: bytes) == Chimera_Proxy_V1_Error(ProtobufSamples.fullError))
        #expect(connectError.httpStatus == 429)
    }

    // The example of docs/binary-protocol.md, byte for byte.
    @Test func documentedErrorBodyIsWhatChimeraSends() {
        let error = ChimeraError(
            kind: .rateLimited, message: "OpenAI answered HTTP 429", provider: .openai, status: 429,
            upstreamMessage: "Rate limit reached", isRetryable: true, retryAfter: .seconds(2)
        )
        let documented = #"{"code":"resource_exhausted","details":[{"type":"chimera.proxy.v1.Error","value":"CgxyYXRlX2xpbWl0ZWQQrQMaGE9wZW5BSSBhbnN3ZXJlZCBIVFRQIDQyOSISUmF0ZSBsaW1pdCByZWFjaGVkKAEw0A9CBm9wZW5haQ"}],"message":"[rate_limited] OpenAI: OpenAI answered HTTP 429 (HTTP 429): Rate limit reached; retry after 2s"}"#
        #expect(String(decoding: ConnectError(error).jsonData(), as: UTF8.self) == documented)
    }

    @Test(arguments: [
        (ConnectCode.unavailable, ChimeraError.Kind.upstream, true),
        (.resourceExhausted, .rateLimited, true),
        (.unauthenticated, .authentication, false), (.permissionDenied, .authentication, false),
        (.invalidArgument, .invalidRequest, false), (.outOfRange, .invalidRequest, false),
        (.failedPrecondition, .configuration, false), (.deadlineExceeded, .timeout, false),
        (.canceled, .cancelled, false), (.unimplemented, .protocolMismatch, false),
        (.internal, .upstream, false), (.unknown, .upstream, false), (.notFound, .upstream, false),
        (.alreadyExists, .upstream, false), (.aborted, .upstream, false), (.dataLoss, .upstream, false),
    ])
    func connectErrorWithoutAChimeraDetailIsRebuiltFromItsCode(
        _ code: ConnectCode, _ kind: ChimeraError.Kind, _ retryable: Bool
    ) {
        let error = ChimeraError(ConnectError(code: code, message: "overloaded"), httpStatus: code.httpStatus, provider: .gemini)
        #expect(error.kind == kind)
        #expect(error.isRetryable == retryable)
        #expect(error.status == code.httpStatus)
        #expect(error.provider == .gemini)
        #expect(error.upstreamMessage == "overloaded")
        #expect(error.message.contains(code.rawValue))
    }

    @Test(arguments: [ChimeraError.Kind.invalidRequest, .authentication, .rateLimited, .timeout, .cancelled, .protocolMismatch, .configuration])
    func kindWithItsOwnCodeSurvivesEvenWithoutTheDetail(_ kind: ChimeraError.Kind) {
        let code = ConnectCode(ChimeraError(kind: kind, message: "m"))
        #expect(ChimeraError(ConnectError(code: code), httpStatus: nil, provider: nil).kind == kind)
    }

    @Test func detailOfAKindThisVersionDoesNotKnowTakesTheKindOfTheCode() throws {
        var detail = Chimera_Proxy_V1_Error(ProtobufSamples.fullError)
        detail.kind = "quota_exceeded_v2"
        let connectError = ConnectError(
            code: .resourceExhausted, message: "m",
            details: [ConnectError.Detail(type: "chimera.proxy.v1.Error", value: try detail.protobufData())]
        )
        let error = ChimeraError(connectError, httpStatus: 429, provider: nil)
        #expect(error.kind == .rateLimited)
        #expect(error.upstreamMessage == ProtobufSamples.fullError.upstreamMessage)
    }

    @Test func detailWithoutAProviderTakesTheOneTheRequestWasFor() {
        let error = ChimeraError(ConnectError(ChimeraError.cancelled()), httpStatus: 499, provider: .qwen)
        #expect(error.provider == .qwen)
        #expect(error.kind == .cancelled)
    }

    @Test func otherDetailsAndUnreadableChimeraDetailsAreSkipped() throws {
        let good = try Chimera_Proxy_V1_Error(ProtobufSamples.fullError).protobufData()
        let connectError = ConnectError(code: .unavailable, details: [
            ConnectError.Detail(type: "google.rpc.RetryInfo", value: Data([0x0A, 0x02, 0x08, 0x3C])),
            ConnectError.Detail(type: "chimera.proxy.v1.Error", value: Data([0xFF, 0xFF, 0xFF])),
            ConnectError.Detail(type: "chimera.proxy.v1.Error", value: good),
        ])
        #expect(ChimeraError(connectError, httpStatus: 503, provider: nil) == ProtobufSamples.fullError)
        let withoutGood = ConnectError(code: .unavailable, details: Array(connectError.details.prefix(2)))
        #expect(withoutGood.chimeraDetail == nil)
        #expect(ChimeraError(withoutGood, httpStatus: 503, provider: nil).kind == .upstream)
    }

    @Test func detailValueIsReadPaddedOrUnpaddedAndDebugIsIgnored() throws {
        // "CgJ0bw==" is field 1 (kind) = "to".
        let padded = try ConnectError(json: Data(#"{"code":"unknown","details":[{"type":"chimera.proxy.v1.Error","value":"CgJ0bw=="}]}"#.utf8))
        #expect(padded.chimeraDetail?.kind == "to")
        let unpadded = try ConnectError(json: Data(#"{"code":"unknown","details":[{"type":"chimera.proxy.v1.Error","value":"CgJ0bw"}]}"#.utf8))
        #expect(unpadded == padded)
        let withDebug = try ConnectError(json: Data(
            #"{"code":"unknown","details":[{"type":"chimera.proxy.v1.Error","value":"CgJ0bw","debug":{"kind":"other"}}]}"#.utf8
        ))
        #expect(withDebug == padded)
    }

    @Test func codeConnectDoesNotDefineReadsAsUnknownAndMessageIsOptional() throws {
        let connectError = try ConnectError(json: Data(#"{"code":"teapot","extra":1}"#.utf8))
        #expect(connectError == ConnectError(code: .unknown))
        #expect(String(decoding: ConnectError(code: .unavailable).jsonData(), as: UTF8.self) == #"{"code":"unavailable"}"#)
    }

    @Test(arguments: [#"{}"#, #"{"code":null}"#, #"{"code":7}"#, #"[]"#, "", "not json",
                      #"{"code":"unknown","details":[{"type":"t","value":"@@@"}]}"#])
    func bodyThatIsNotAConnectErrorIsRefused(_ body: String) throws {
        let error = try #require(throws: ChimeraError.self) { try ConnectError(json: Data(body.utf8)) }
        #expect(error.kind == .decoding)
    }

    @Test(arguments: [
        (404, ChimeraError.Kind.protocolMismatch, false), (415, .protocolMismatch, false),
        (401, .authentication, false), (403, .authentication, false), (429, .rateLimited, true),
        (502, .upstream, true), (503, .upstream, true), (504, .upstream, true), (400, .upstream, false),
        (500, .upstream, false),
    ])
    func answerWithoutAConnectErrorIsReadFromItsStatus(_ status: Int, _ kind: ChimeraError.Kind, _ retryable: Bool) {
        let body = #"<html>Bad gateway for Bearer SENTINEL1234567890</html>"#
        let error = ChimeraError(connectStatus: status, body: Data(body.utf8), provider: .openai)
        #expect(error.kind == kind)
        #expect(error.isRetryable == retryable)
        #expect(error.status == status)
        #expect(error.provider == .openai)
        #expect(error.bodyExcerpt?.contains("Bad gateway") == true)
        #expect(!error.description.contains("SENTINEL") && error.bodyExcerpt?.contains("SENTINEL") == false)
        #expect((error.hint != nil) == (kind == .protocolMismatch))
    }

    @Test func emptyErrorBodyIsReadFromItsStatus() {
        let error = ChimeraError(connectStatus: 503, body: Data(), provider: nil)
        #expect(error.kind == .upstream && error.isRetryable && error.bodyExcerpt == nil)
    }

    @Test func endOfStreamAfterSuccessIsAnEmptyObject() throws {
        let envelope = ConnectEnvelope.endStream()
        #expect(envelope.flags == .endStream)
        #expect(envelope.payload == Data("{}".utf8))
        #expect(try ConnectEndStreamResponse(json: envelope.payload).error == nil)
    }

    @Test func endOfStreamAfterAFailureCarriesTheConnectError() throws {
        let envelope = ConnectEnvelope.endStream(error: ProtobufSamples.fullError)
        let end = try ConnectEndStreamResponse(json: envelope.payload)
        let connectError = try #require(end.error)
        #expect(connectError == ConnectError(ProtobufSamples.fullError))
        #expect(ChimeraError(connectError, httpStatus: nil, provider: nil) == ProtobufSamples.fullError)
    }

    @Test(arguments: [
        #"{"metadata":{"acme-operation-cost":["237"]}}"#,
        #"{"error":{"code":"unavailable","message":"overloaded"},"metadata":{}}"#,
    ])
    func endOfStreamMetadataIsIgnored(_ json: String) throws {
        let end = try ConnectEndStreamResponse(json: Data(json.utf8))
        #expect(end.error?.code == (json.contains("error") ? .unavailable : nil))
    }

    @Test(arguments: [#"{"error":null}"#, #"{"error":{}}"#, #"{"error":{"code":null}}"#, "[]", "", "{"])
    func invalidEndOfStreamIsRefused(_ json: String) throws {
        let error = try #require(throws: ChimeraError.self) { try ConnectEndStreamResponse(json: Data(json.utf8)) }
        #expect(error.kind == .decoding)
    }
}
