import Chimera
import ChimeraWire
import Foundation

extension ProtocolSizeBenchmark {
    /// How many texts the embedding exchange embeds, and the size of each vector
    /// (`text-embedding-3-small`'s).
    static let embeddingBatch = (inputs: 16, dimensions: 1_536)

    /// One embedding batch measured in each JSON form — OpenAI's `encoding_format` `float` and
    /// `base64`, Gemini's `batchEmbedContents` — against the `Embed` call's packed floats.
    ///
    /// The vectors are unit vectors of pseudo-random components (a fixed seed), written with
    /// the float's shortest literal as providers write them (`-0.023817265`), so the JSON is as
    /// long as a real answer's.
    static func embeddingRows() -> [Row] {
        let (count, dimensions) = embeddingBatch
        let name = "embeddings (\(count) × \(dimensions))"
        let inputs = (1...count).map { "Passage \($0): the proxy hop carries every request and answer between Chimera and its local proxy, so its encoding matters." }
        var state: UInt64 = 0x5EED
        let vectors = (0..<count).map { _ in unitVector(dimensions, state: &state) }
        let forms: [(label: String, provider: ProviderID, encoding: EmbeddingRequest.Encoding)] = [
            ("openai float", .openai, .float), ("openai base64", .openai, .base64), ("gemini", .gemini, .float),
        ]
        return forms.map { form in
            let request = EmbeddingRequest(provider: form.provider, model: form.provider == .gemini ? "gemini-embedding-001" : "text-embedding-3-small", inputs: inputs, encoding: form.encoding)
            let response = EmbeddingResponse(
                provider: form.provider, model: request.model,
                embeddings: vectors.enumerated().map { EmbeddingResponse.Embedding(index: $0, vector: $1) },
                usage: form.provider == .gemini ? nil : Usage(inputTokens: 352, outputTokens: 0, totalTokens: 352)
            )
            let jsonBytes = jsonRoundTrip(request, response)
            let protobufBytes = protobufRoundTrip(request, response)
            let repeats = 50
            return Row(
                exchange: name, jsonFamily: form.label, jsonBytes: jsonBytes, protobufBytes: protobufBytes,
                savedPercent: saving(json: jsonBytes, protobuf: protobufBytes),
                jsonMicroseconds: medianMicroseconds(repeats) { _ = jsonRoundTrip(request, response) },
                protobufMicroseconds: medianMicroseconds(repeats) { _ = protobufRoundTrip(request, response) }
            )
        }
    }

    /// Encodes and decodes the batch in JSON, as client and proxy do; returns its bytes.
    private static func jsonRoundTrip(_ request: EmbeddingRequest, _ response: EmbeddingResponse) -> Int {
        let codec = EmbeddingCodecs.codec(for: request)
        do {
            let body = codec.encodeRequest(request)
            let received = try codec.decodeRequest(body, provider: request.provider, model: request.model)
            let answer = try codec.encodeResponse(response, for: received)
            _ = try codec.decodeResponse(answer, for: request)
            return body.count + answer.count
        } catch {
            preconditionFailure("the embedding batch must round-trip through JSON: \(error)")
        }
    }

    /// Encodes and decodes the batch as an `Embed` call; returns its bytes.
    private static func protobufRoundTrip(_ request: EmbeddingRequest, _ response: EmbeddingResponse) -> Int {
        do {
            let body = try request.protobufData()
            _ = try EmbeddingRequest(Chimera_Proxy_V1_EmbedRequest(protobuf: body))
            let answer = try response.protobufData()
            _ = try EmbeddingResponse(protobuf: answer)
            return body.count + answer.count
        } catch {
            preconditionFailure("the embedding batch must round-trip through protobuf: \(error)")
        }
    }

    /// A unit vector of SplitMix64 components.
    private static func unitVector(_ dimensions: Int, state: inout UInt64) -> [Float] {
        var values = [Double]()
        values.reserveCapacity(dimensions)
        for _ in 0..<dimensions {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            mixed ^= mixed >> 31
            values.append(Double(mixed >> 11) / Double(1 << 53) * 2 - 1)
        }
        let length = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { Float($0 / length) }
    }
}
