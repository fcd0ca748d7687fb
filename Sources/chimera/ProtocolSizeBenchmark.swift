import Chimera
import ChimeraWire
import Foundation

/// Compares the proxy hop's two encodings on a corpus of realistic exchanges: bytes on the wire
/// in JSON (what the OpenAI, Anthropic and Gemini bindings produce) and in Chimera's binary
/// protocol, and the time to encode and decode each.
///
/// An exchange is what crosses the hop for one call: the request and the whole answer. For a
/// unary call that is the request body and the response body; for a stream, the request and
/// every Server-Sent Event (JSON) or Connect envelope, end-of-stream included (protobuf).
/// Encode + decode is both sides' work: the client encodes the request, the proxy decodes it,
/// the proxy encodes the answer, the client decodes it. Times are the median of repeated runs
/// in this process, so they depend on the build (`-c release` or debug) and the machine; bytes
/// do not.
///
/// `chimera bench` prints ``run()``'s table and can write its JSON result.
struct ProtocolSizeBenchmark {
    /// One exchange of the corpus measured in one JSON protocol and in protobuf.
    struct Row: Encodable, Sendable {
        /// The exchange, e.g. `short chat`.
        var exchange: String
        /// The JSON protocol family compared, `openai`, `anthropic` or `gemini`.
        var jsonFamily: String
        /// Bytes of the exchange in that JSON protocol.
        var jsonBytes: Int
        /// Bytes of the exchange in protobuf.
        var protobufBytes: Int
        /// How much smaller protobuf is, in percent of the JSON bytes.
        var savedPercent: Double
        /// Median time to encode and decode the exchange in JSON, in microseconds.
        var jsonMicroseconds: Double
        /// Median time to encode and decode the exchange in protobuf, in microseconds.
        var protobufMicroseconds: Double
    }

    /// Everything measured, as `chimera bench` writes it.
    struct Result: Encodable, Sendable {
        /// Whether the code was built with optimizations; times of debug builds are far slower.
        var optimized: Bool
        /// One row per exchange and JSON protocol.
        var rows: [Row]
        /// Bytes of the whole corpus in each JSON protocol and in protobuf, and the saving.
        var totals: [Row]
        /// One embedding batch in each JSON form and as an `Embed` call (``embeddingRows()``).
        var embeddings: [Row]
    }

    /// Measures the corpus.
    ///
    /// - Returns: The printed table, and the same numbers as an encodable value.
    static func run() -> (table: String, json: Result) {
        var rows: [Row] = []
        for exchange in Exchange.corpus {
            for provider in [ProviderID.openai, .anthropic, .gemini] {
                rows.append(measure(exchange, jsonOf: provider))
            }
        }
        let totals = Dictionary(grouping: rows, by: \.jsonFamily).keys.sorted().map { family in
            let familyRows = rows.filter { $0.jsonFamily == family }
            let json = familyRows.reduce(0) { $0 + $1.jsonBytes }
            let protobuf = familyRows.reduce(0) { $0 + $1.protobufBytes }
            return Row(
                exchange: "whole corpus", jsonFamily: family, jsonBytes: json, protobufBytes: protobuf,
                savedPercent: saving(json: json, protobuf: protobuf),
                jsonMicroseconds: familyRows.reduce(0) { $0 + $1.jsonMicroseconds },
                protobufMicroseconds: familyRows.reduce(0) { $0 + $1.protobufMicroseconds }
            )
        }
        let result = Result(optimized: isOptimized, rows: rows, totals: totals, embeddings: embeddingRows())
        return (table(result), result)
    }

    // MARK: The corpus

    /// One call's request and answer.
    private struct Exchange {
        var name: String
        var request: ChatRequest
        var response: ChatResponse
        /// The events of the answer when it is streamed; `nil` for a unary call.
        var events: [ChatStreamEvent]?

        static var corpus: [Exchange] {
            let paragraph = "The proxy hop carries every request and answer between Chimera and its local proxy, so its encoding matters for latency and for memory when many streams run at once. "
            let systemPrompt = String(repeating: paragraph, count: 40)
            var turns: [ChatMessage] = [.system("You are a concise assistant for a Swift server team.")]
            for index in 1...10 {
                turns.append(.user("Question \(index): how should the retry policy treat a \(index * 100) ms retry-after from the proxy, and why?"))
                turns.append(.assistant("Honour it when it is under the cap: wait \(index * 100) ms, then send the same request again; a stream is only replayed before its first event."))
            }
            let longAnswer = (1...700).map { "word\($0 % 97)" }.joined(separator: " ")
            let streamPieces = (1...198).map { " tok\($0 % 50)" }
            let usage = Usage(inputTokens: 412, outputTokens: 198, totalTokens: 610)
            return [
                Exchange(
                    name: "short chat",
                    request: ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("What is the capital of France?")], maxTokens: 64),
                    response: response("The capital of France is Paris.", usage: Usage(inputTokens: 14, outputTokens: 8, totalTokens: 22))
                ),
                Exchange(
                    name: "long system prompt",
                    request: ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.system(systemPrompt), .user("Summarise the above in one sentence.")], temperature: 0.2),
                    response: response("The encoding of the proxy hop matters for latency and memory.", usage: Usage(inputTokens: 1_650, outputTokens: 13, totalTokens: 1_663))
                ),
                Exchange(
                    name: "multi-turn (21 messages)",
                    request: ChatRequest(provider: .openai, model: "gpt-4.1", messages: turns + [.user("And for a 429 without retry-after?")], temperature: 0.7, topP: 0.9, maxTokens: 512),
                    response: response("Back off exponentially with jitter: 0.5 s doubling up to 8 s, at most three retries.", usage: Usage(inputTokens: 980, outputTokens: 24, totalTokens: 1_004))
                ),
                Exchange(
                    name: "long answer (700 words)",
                    request: ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Write a long essay.")], maxTokens: 4_096),
                    response: response(longAnswer, usage: Usage(inputTokens: 11, outputTokens: 1_400, totalTokens: 1_411))
                ),
                Exchange(
                    name: "stream (200 events)",
                    request: ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Count for me.")], stream: true),
                    response: response(streamPieces.joined(), usage: usage),
                    events: streamPieces.map(ChatStreamEvent.delta) + [.finish(.stop), .usage(usage)]
                ),
            ]
        }

        private static func response(_ text: String, usage: Usage) -> ChatResponse {
            ChatResponse(id: "chatcmpl-9sX2b7QeLr0aT4kPzV1mN8yH", provider: .openai, model: "gpt-4.1-2025-04-14", text: text, finishReason: .stop, usage: usage)
        }
    }

    // MARK: Measuring

    /// The exchange in `provider`'s JSON protocol and in protobuf: bytes and times.
    private static func measure(_ exchange: Exchange, jsonOf provider: ProviderID) -> Row {
        var request = exchange.request
        request.provider = provider
        var response = exchange.response
        response.provider = provider
        let binding = ProtocolBindings.binding(for: provider)
        let jsonBytes = jsonRoundTrip(request, response, exchange.events, binding: binding)
        let protobufBytes = protobufRoundTrip(request, response, exchange.events)
        let repeats = max(20, min(2_000, 4_000_000 / max(jsonBytes, 1)))
        return Row(
            exchange: exchange.name,
            jsonFamily: provider.family.rawValue,
            jsonBytes: jsonBytes,
            protobufBytes: protobufBytes,
            savedPercent: saving(json: jsonBytes, protobuf: protobufBytes),
            jsonMicroseconds: medianMicroseconds(repeats) { _ = jsonRoundTrip(request, response, exchange.events, binding: binding) },
            protobufMicroseconds: medianMicroseconds(repeats) { _ = protobufRoundTrip(request, response, exchange.events) }
        )
    }

    /// Encodes and decodes the exchange in JSON, as client and proxy do; returns its bytes.
    private static func jsonRoundTrip(_ request: ChatRequest, _ response: ChatResponse, _ events: [ChatStreamEvent]?, binding: any ProtocolBinding) -> Int {
        do {
            let body = try binding.encodeRequest(request)
            // The proxy answers the request as it read it (an OpenAI stream's `include_usage` included).
            let received = try binding.decodeRequest(body, provider: request.provider, model: request.model, stream: request.stream)
            guard let events else {
                let answer = binding.encodeResponse(response, for: received)
                _ = try binding.decodeResponse(answer, for: request)
                return body.count + answer.count
            }
            // The leading start event gives the stream the answer's id and model, as an upstream's does.
            var encoder = binding.makeStreamEncoder(for: received)
            var wire: [UInt8] = []
            for event in [.start(id: response.id, model: response.model)] + events { wire += encoder.encode(event) }
            wire += encoder.finish()
            var parser = SSEParser()
            var decoder = binding.makeStreamDecoder(for: request)
            for event in try parser.parse(wire) { _ = try decoder.decode(event) }
            if let last = parser.finish() { _ = try decoder.decode(last) }
            _ = try decoder.finish()
            return body.count + wire.count
        } catch {
            preconditionFailure("the benchmark corpus must round-trip through JSON: \(error)")
        }
    }

    /// Encodes and decodes the exchange in protobuf, as client and proxy do; returns its bytes.
    private static func protobufRoundTrip(_ request: ChatRequest, _ response: ChatResponse, _ events: [ChatStreamEvent]?) -> Int {
        do {
            var body = try request.protobufData()
            if request.stream { body = ConnectEnvelope(message: body).encoded() }
            var requestDecoder = ConnectEnvelopeDecoder()
            requestDecoder.append(body)
            _ = try ChatRequest(protobuf: request.stream ? try requestDecoder.next()!.payload : body)
            guard let events else {
                let answer = try response.protobufData()
                _ = try ChatResponse(protobuf: answer)
                return body.count + answer.count
            }
            var wire = Data()
            for event in events { wire += try ConnectEnvelope(event).encoded() }
            wire += ConnectEnvelope.endStream().encoded()
            var decoder = ProtobufStreamDecoder(provider: response.provider)
            decoder.append(wire)
            while try decoder.next() != nil {}
            try decoder.finish()
            return body.count + wire.count
        } catch {
            preconditionFailure("the benchmark corpus must round-trip through protobuf: \(error)")
        }
    }

    static func medianMicroseconds(_ repeats: Int, _ work: () -> Void) -> Double {
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(repeats)
        for _ in 0..<repeats {
            let elapsed = clock.measure(work)
            samples.append(elapsed.seconds * 1e6)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func saving(json: Int, protobuf: Int) -> Double {
        json == 0 ? 0 : (Double(json - protobuf) / Double(json) * 1000).rounded() / 10
    }

    private static var isOptimized: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }

    // MARK: Printing

    private static func table(_ result: Result) -> String {
        let header = ["exchange", "JSON protocol", "JSON bytes", "protobuf bytes", "saved", "JSON enc+dec", "protobuf enc+dec"]
        let lines = (result.rows + result.totals + result.embeddings).map { row in
            [
                row.exchange, row.jsonFamily, "\(row.jsonBytes)", "\(row.protobufBytes)", "\(row.savedPercent)%",
                format(row.jsonMicroseconds), format(row.protobufMicroseconds),
            ]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index < 2 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        var text = render(header) + "\n" + render(widths.map { String(repeating: "-", count: $0) }) + "\n"
        text += lines.map(render).joined(separator: "\n") + "\n"
        text += "times: median per exchange, encode + decode on both sides, \(result.optimized ? "optimized build" : "debug build (times are not representative; use -c release)")\n"
        return text
    }

    private static func format(_ microseconds: Double) -> String {
        microseconds >= 1_000 ? String(format: "%.2f ms", microseconds / 1_000) : String(format: "%.1f µs", microseconds)
    }
}
