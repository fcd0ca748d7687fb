import ChimeraCore
import ChimeraWire
import Foundation
import Testing

/// The embeddings codecs on bytes: vectors survive every encoding exactly, and requests that
/// cannot be read are refused naming the field.
@Suite("Embedding codecs")
struct EmbeddingCodecTests {
    /// Components chosen to catch lossy writing: a value `Double` would print with extra digits,
    /// a subnormal, the smallest and largest normals, negative zero.
    static let awkward: [Float] = [0.1, -0.023817265, 1.0e-40, .leastNormalMagnitude, .greatestFiniteMagnitude, -0.0, 1, 3.4028e-20]

    static func answer(_ provider: ProviderID) -> EmbeddingResponse {
        EmbeddingResponse(provider: provider, model: "m", embeddings: [
            .init(index: 0, vector: awkward), .init(index: 1, vector: awkward.reversed()),
        ], usage: provider == .gemini ? nil : Usage(inputTokens: 7, outputTokens: 0, totalTokens: 7))
    }

    @Test(arguments: EmbeddingRequest.Encoding.allCases)
    func openAIAnswersRoundTripExactly(_ encoding: EmbeddingRequest.Encoding) throws {
        let codec = OpenAIEmbeddingCodec(provider: .openai)
        let request = EmbeddingRequest(provider: .openai, model: "m", inputs: ["a", "b"], encoding: encoding)
        let body = try codec.encodeResponse(Self.answer(.openai), for: request)
        let read = try codec.decodeResponse(body, for: request)
        #expect(read.embeddings == Self.answer(.openai).embeddings)
        #expect(read.embeddings[0].vector[5].sign == .minus)
        #expect(read.usage == Usage(inputTokens: 7, outputTokens: 0, totalTokens: 7))
        if encoding == .float { #expect(String(decoding: body, as: UTF8.self).contains("[0.1,-0.023817265,")) }
    }

    @Test func geminiBatchAnswersRoundTripExactly() throws {
        let codec = GeminiEmbeddingCodec(form: .batch)
        let request = EmbeddingRequest(provider: .gemini, model: "m", inputs: ["a", "b"])
        let read = try codec.decodeResponse(try codec.encodeResponse(Self.answer(.gemini), for: request), for: request)
        #expect(read.embeddings == Self.answer(.gemini).embeddings)
    }

    @Test func base64IsLittleEndianFloat32() throws {
        // 1.0 is 0x3F800000: bytes 00 00 80 3F.
        let body = Array(#"{"data":[{"index":0,"embedding":"AACAPw=="}],"model":"m"}"#.utf8)
        let read = try OpenAIEmbeddingCodec(provider: .openai).decodeResponse(body, for: EmbeddingRequest(provider: .openai, model: "m", inputs: ["a"]))
        #expect(read.embeddings[0].vector == [1])
    }

    @Test func anAnswerWithoutOneVectorPerInputIsADecodingError() {
        let body = Array(#"{"data":[{"index":0,"embedding":[1]}],"model":"m"}"#.utf8)
        let error = #expect(throws: ChimeraError.self) {
            try OpenAIEmbeddingCodec(provider: .openai).decodeResponse(body, for: EmbeddingRequest(provider: .openai, model: "m", inputs: ["a", "b"]))
        }
        #expect(error?.kind == .decoding)
    }

    @Test func nonFiniteComponentsAreNotWrittenAsJSON() {
        let response = EmbeddingResponse(provider: .openai, model: "m", embeddings: [.init(index: 0, vector: [1, .nan])])
        let error = #expect(throws: ChimeraError.self) {
            try OpenAIEmbeddingCodec(provider: .openai).encodeResponse(response, for: EmbeddingRequest(provider: .openai, model: "m", inputs: ["a"]))
        }
        #expect(error?.message.hasPrefix("data[0].embedding[1]:") == true)
    }

    @Test(arguments: [
        (#"{"model":"m","input":[["a"]]}"#, "input[0]: expected a string, found an array"),
        (#"{"model":"m","input":[[1,2]]}"#, "input[0]: token ids are not accepted"),
        (#"{"model":"m","input":"a","dimensions":"big"}"#, "dimensions: expected an integer, found a string"),
        (#"{"model":"m","input":"a","user":5}"#, "user: expected a string, found a number"),
        (#"[]"#, "body: expected an object"),
    ])
    func openAIRequestsThatCannotBeReadNameTheField(_ body: String, _ message: String) {
        let error = #expect(throws: ChimeraError.self) {
            try OpenAIEmbeddingCodec(provider: .openai).decodeRequest(Array(body.utf8), provider: .openai, model: nil)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: [
        (#"{"content":{"parts":[{"text":"a"},{"text":"b"}]}}"#, GeminiEmbeddingCodec.Form.single, "content.parts: expected one text part, found 2"),
        (#"{"content":{"parts":[{"text":"a"}]},"title":"T"}"#, .single, "title: not supported"),
        (#"{"requests":[{"model":"models/other","content":{"parts":[{"text":"a"}]}}]}"#, .batch, "requests[0].model: \"models/other\" is not the URL's model models/m"),
        (#"{"requests":[{"content":{"parts":[{"text":"a"}]},"taskType":"X"},{"content":{"parts":[{"text":"b"}]}}]}"#, .batch, "requests[1].taskType: must be the same"),
    ])
    func geminiRequestsThatCannotBeReadNameTheField(_ body: String, _ form: GeminiEmbeddingCodec.Form, _ message: String) {
        let error = #expect(throws: ChimeraError.self) {
            try GeminiEmbeddingCodec(form: form).decodeRequest(Array(body.utf8), provider: .gemini, model: "m")
        }
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
    }

    @Test func protobufVectorsArePackedFloats() throws {
        let response = EmbeddingResponse(provider: .openai, model: "m", embeddings: [.init(index: 0, vector: Array(repeating: 0.5, count: 1536))])
        let bytes = try response.protobufData()
        // Four bytes a component, a few for the tags and lengths, provider and model.
        #expect(bytes.count == 1536 * 4 + 17)
        #expect(try EmbeddingResponse(protobuf: bytes).embeddings == response.embeddings)
    }
}
